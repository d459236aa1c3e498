package com.adclip.train;

import com.adclip.data.Dataset;
import com.adclip.data.DatasetLoader;
import com.adclip.data.Sample;
import com.adclip.data.TestSplit;
import com.adclip.data.TrainingImages;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The images a training run learns and validates on, prepared from its options: the dataset loaded, a test split
 * carved out when the data has none of its own ({@code --test-split}), a validation split held out
 * ({@code --val-split}), defective training images left out ({@code --ignore-defects}), masks checked.
 *
 * @param train the training samples
 * @param validation the validation samples (empty without a validation split)
 * @param images the training images and test split, recorded in every bundle written
 */
public record TrainingData(List<Sample> train, List<Sample> validation, TrainingImages images) {

    /** Told when a test split is carved out, before the rest is prepared (and can fail). */
    public interface CarveListener {
        /** @param heldOut how many images {@code split} holds out for {@code adclip test} */
        void carved(TestSplit split, int heldOut);
    }

    /**
     * Loads and splits {@code options.data()}.
     *
     * @param seed the seed of the validation split (the training seed)
     */
    public static TrainingData prepare(TrainingOptions options, long seed, CarveListener listener) {
        Dataset dataset = DatasetLoader.load(Path.of(options.data()));
        TestSplit carve = new TestSplit(options.testSplit() != null ? options.testSplit()
                : TestSplit.DEFAULT.fraction(), options.splitSeed() != null ? options.splitSeed()
                : TestSplit.DEFAULT.seed());
        boolean carved = carve.carves() && !TestSplit.sharedClasses(dataset).isEmpty();
        if (carved) {
            dataset = carve.apply(dataset);
            listener.carved(carve, dataset.samples("test").size());
        }
        if (options.valSplit() != null) {
            dataset = dataset.withValidationSplit(options.valSplit(), seed);
        }
        List<Sample> train = dataset.samples("train");
        if (Boolean.TRUE.equals(options.ignoreDefects())) {
            train = train.stream().filter(sample -> !sample.anomaly()).toList();
        }
        List<Sample> validation = dataset.samples("val");
        TrainingImages images = TrainingImages.of(dataset, carved ? carve : null, train);
        Stream.concat(train.stream(), validation.stream()).forEach(Sample::requireMaskFits);
        return new TrainingData(train, validation, images);
    }
}
