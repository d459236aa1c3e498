package com.adclip.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.adclip.data.Sample;
import com.adclip.image.Augmentation;
import com.adclip.image.AugmentationConfig;
import com.adclip.image.ImagePreprocessor;
import java.awt.image.BufferedImage;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Augmented views of the training images: view {@code (epoch − 1) mod K} of each image, seeded by (run seed,
 * view, image), its features cached once; with K = 0 a fresh view every epoch, encoded every time.
 * Validation and scoring (epoch 0) use the plain images.
 */
final class AugmentedSource implements Trainer.FeatureSource {
    private final FeatureCache cache;
    private final ImagePreprocessor preprocessor;
    private final Augmentation augmentation;
    private final Map<TrainItem, Integer> index = new IdentityHashMap<>();
    private final Map<TrainItem, Sample> samples = new IdentityHashMap<>();
    private final Map<String, byte[]> masks = new HashMap<>();
    private final long seed;
    private final int views;

    AugmentedSource(FeatureCache cache, ImagePreprocessor preprocessor, List<TrainItem> items, List<Sample> sampleList,
            long seed, int views) {
        this.cache = cache;
        this.preprocessor = preprocessor;
        this.augmentation = new Augmentation(AugmentationConfig.defaults(),
                preprocessor);
        for (int i = 0; i < items.size(); i++) {
            index.put(items.get(i), i);
            samples.put(items.get(i), sampleList.get(i));
        }
        this.seed = seed;
        this.views = views;
    }

    @Override
    public Trainer.Features of(TrainItem item, int epoch, NDManager scope) {
        if (epoch == 0 || !index.containsKey(item)) {
            NDArray packed = cache.get(item.contentHash(), () -> preprocessor.pixels(scope, item.image()), scope);
            return new Trainer.Features(packed, item.mask());
        }
        long view = views > 0 ? (epoch - 1) % views : epoch;
        long viewSeed = Augmentation.seed(seed, view, index.get(item));
        String key = item.contentHash() + "|augment|" + augmentation.config() + "|" + viewSeed;
        if (views > 0 && masks.containsKey(key)) {
            return new Trainer.Features(cache.get(key, () -> {
                throw new IllegalStateException("cached view vanished");
            }, scope), masks.get(key) == NO_MASK ? null : masks.get(key));
        }
        Augmentation.View v = augmentation.apply(item.image(), maskImage(item), viewSeed);
        int s = v.size();
        NDArray pixels = scope.create(v.pixels(), new Shape(3, s, s));
        byte[] mask = viewMask(item, v);
        NDArray packed;
        if (views > 0) {
            packed = cache.get(key, () -> pixels, scope);
            masks.put(key, mask == null ? NO_MASK : mask);
        } else {
            packed = cache.encodeUncached(pixels, scope);
        }
        return new Trainer.Features(packed, mask);
    }

    private static final byte[] NO_MASK = new byte[0];

    private BufferedImage maskImage(TrainItem item) {
        Sample sample = samples.get(item);
        return sample.anomaly() && sample.mask().isPresent() ? sample.maskGray() : null;
    }

    /** Good images: all zeros; defects with a mask: the transformed mask; defects without: none. */
    private static byte[] viewMask(TrainItem item, Augmentation.View view) {
        if (!item.anomalous()) {
            return new byte[view.size() * view.size()];
        }
        if (view.mask() == null) {
            return null;
        }
        byte[] mask = new byte[view.mask().length];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = view.mask()[i] > 0.5f ? (byte) 1 : 0;
        }
        return mask;
    }

    @Override
    public int encoded() {
        return cache.computed();
    }
}

