package com.adclip.cli;

import ai.djl.ndarray.NDManager;
import com.adclip.AdclipException;
import com.adclip.anomaly.Bundle;
import com.adclip.data.Dataset;
import com.adclip.data.TrainingImages;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;

/**
 * The images {@code test} and {@code calibrate} evaluate: the dataset with the test split the bundle was
 * trained against (carved the same way), and how many of them the model trained on, warned about on stderr
 * (an error with {@code --strict}).
 *
 * @param dataset the dataset, its test split carved as at training time
 * @param overlapWarning "N of M test images were used in training...", or null when none was (or unknown)
 */
record EvaluationData(Dataset dataset, String overlapWarning) {

    static EvaluationData load(Path data, String split, Path bundle, boolean strict,
            CommandLine.Model.CommandSpec spec) {
        Optional<TrainingImages> recorded = bundle == null ? Optional.empty() : recorded(bundle);
        Dataset dataset = TestCommand.loadSplit(data, split, spec);
        if (recorded.isPresent() && recorded.get().split() != null) {
            dataset = recorded.get().split().apply(dataset);
        }
        if (dataset.samples(split).isEmpty()) {
            throw new AdclipException("the " + split + " split of " + dataset.root() + " has no images ("
                    + dataset.summary() + "); choose another with --split");
        }
        PrintWriter err = spec.commandLine().getErr();
        if (recorded.isEmpty()) {
            return new EvaluationData(dataset, null);
        }
        TrainingImages.Overlap overlap = recorded.get().overlap(dataset, dataset.samples(split));
        if (!overlap.any()) {
            return new EvaluationData(dataset, null);
        }
        String sentence = overlap.sentence(split);
        if (strict) {
            throw new AdclipException(sentence + " (--strict; first: " + String.join(", ", overlap.seen().stream()
                    .limit(3).toList()) + "); evaluate on images the model did not train on");
        }
        err.println("warning: " + sentence);
        err.flush();
        return new EvaluationData(dataset, sentence);
    }

    private static Optional<TrainingImages> recorded(Path bundle) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, Object> training = Bundle.load(bundle, manager).manifest().training();
            return TrainingImages.from(training);
        }
    }
}
