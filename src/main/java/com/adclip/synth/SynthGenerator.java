package com.adclip.synth;

import com.adclip.AdclipException;
import com.adclip.data.Dataset;
import com.adclip.data.DatasetLoader;
import com.adclip.data.MetaJson;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntConsumer;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Writes a synthetic product dataset with exact ground truth (see {@code docs/synthetic-data.md}): per class
 * {@code CLASS/train/good}, {@code CLASS/train/TYPE/train_NNN.png} (few-shot defective training images),
 * {@code CLASS/test/good}, {@code CLASS/test/TYPE/NNN.png} and {@code CLASS/ground_truth/TYPE/STEM_mask.png}
 * (0/255 grey PNG), plus {@code meta.json} (the reference's index of the same files) and {@code boxes.json}
 * (per image: class, type, seed and the box of every mask component). The same configuration gives
 * byte-identical files.
 */
public final class SynthGenerator {

    /** Product classes in the order {@code --classes N} takes them. */
    static final List<Product> PRODUCTS = List.of(new Disc(), new Fabric(), new Pcb(), new Label(), new BottleCap());

    private static final int CHUNK = 8;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * What to generate.
     *
     * @param out the dataset folder (created; must be empty or absent)
     * @param classes how many product classes (1–5, in the order disc, fabric, pcb, label, bottle_cap)
     * @param good good images per class, in train and again in test
     * @param trainDefects defective training images per class (0 for none)
     * @param defects defective test images per class, spread evenly over the class's defect types
     * @param size image side in pixels (64–1024)
     * @param seed the seed of everything
     */
    public record Config(Path out, int classes, int good, int trainDefects, int defects, int size, long seed) {
        public Config {
            if (out == null) {
                throw AdclipException.usage("--out is required: the folder to write the dataset to", null);
            }
            check(classes >= 1 && classes <= PRODUCTS.size(), "--classes must be 1 to " + PRODUCTS.size() + ", got "
                    + classes);
            check(good >= 1, "--good must be at least 1 (good images per class and split), got " + good);
            check(trainDefects >= 0, "--train-defects must be 0 or more, got " + trainDefects);
            check(defects >= 0, "--defects must be 0 or more, got " + defects);
            check(size >= 64 && size <= 1024, "--size must be 64 to 1024 pixels, got " + size);
        }

        /** Images this configuration writes. */
        public int images() {
            return classes * (2 * good + trainDefects + defects);
        }

        private static void check(boolean ok, String message) {
            if (!ok) {
                throw AdclipException.usage(message, null);
            }
        }
    }

    /**
     * What was written.
     *
     * @param root the dataset folder
     * @param classes the class names
     * @param images images written
     * @param masks masks written
     * @param meta the {@code meta.json} index
     * @param boxes the {@code boxes.json} file
     */
    public record Summary(Path root, List<String> classes, int images, int masks, Path meta, Path boxes) {}

    private SynthGenerator() {}

    /** The class names {@code --classes N} gives. */
    public static List<String> classNames(int classes) {
        return PRODUCTS.subList(0, Math.min(classes, PRODUCTS.size())).stream().map(Product::name).toList();
    }

    /**
     * Generates the dataset; {@code progress} receives the number of images written after each image.
     *
     * @throws AdclipException if the folder is not empty or a file cannot be written
     */
    public static Summary generate(Config config, IntConsumer progress) {
        Path root = config.out().toAbsolutePath().normalize();
        prepare(root);
        ObjectNode boxes = JSON.createObjectNode();
        boxes.put("size", config.size());
        boxes.put("seed", config.seed());
        ObjectNode images = boxes.putObject("images");
        int written = 0;
        int masks = 0;
        List<String> names = classNames(config.classes());
        for (int c = 0; c < config.classes(); c++) {
            Product product = PRODUCTS.get(c);
            List<Job> jobs = jobs(product, c, config);
            for (int from = 0; from < jobs.size(); from += CHUNK) {
                List<Job> chunk = jobs.subList(from, Math.min(jobs.size(), from + CHUNK));
                // rendering is per-seed, so rendering in parallel gives the same images in the same order
                List<SampleRenderer.Rendered> rendered = chunk.parallelStream()
                        .map(job -> SampleRenderer.render(product, config.size(), job.seed(), job.type())).toList();
                for (int k = 0; k < chunk.size(); k++) {
                    Job job = chunk.get(k);
                    masks += writeImage(root, product, job, rendered.get(k), images);
                    progress.accept(++written);
                }
            }
        }
        Path boxesFile = root.resolve("boxes.json");
        writeJson(boxesFile, boxes);
        Dataset dataset = DatasetLoader.load(root);
        MetaJson.Written meta = MetaJson.write(dataset, root.resolve("meta.json"));
        return new Summary(root, names, written, masks, meta.file(), boxesFile);
    }

    /** Writes one image (and its mask), adds its boxes.json entry and returns the number of masks written. */
    private static int writeImage(Path root, Product product, Job job, SampleRenderer.Rendered r, ObjectNode images) {
        String type = job.type() == null ? "good" : job.type().folder();
        String rel = product.name() + "/" + job.split() + "/" + type + "/" + job.stem() + ".png";
        write(r.image(), root.resolve(rel));
        if (job.type() != null) {
            write(r.mask(), root.resolve(product.name()).resolve("ground_truth").resolve(type)
                    .resolve(job.stem() + "_mask.png"));
        }
        ObjectNode entry = images.putObject(rel);
        entry.put("class", product.name());
        entry.put("split", job.split());
        entry.put("type", type);
        entry.put("seed", job.seed());
        ArrayNode list = entry.putArray("boxes");
        for (Boxes.Box b : r.boxes()) {
            ObjectNode box = list.addObject();
            box.put("type", b.type());
            box.putArray("box").add(b.x()).add(b.y()).add(b.w()).add(b.h());
        }
        return job.type() == null ? 0 : 1;
    }

    /** One image to render. */
    record Job(String split, DefectType type, String stem, long seed) {}

    /** The images of one class, in writing order: train good, train defects, test good, test defects. */
    static List<Job> jobs(Product product, int classIndex, Config config) {
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < config.good(); i++) {
            jobs.add(new Job("train", null, stem("", i), seed(config.seed(), classIndex, 0, i)));
        }
        addDefects(jobs, product, classIndex, config, "train", "train_", config.trainDefects(), 1);
        for (int i = 0; i < config.good(); i++) {
            jobs.add(new Job("test", null, stem("", i), seed(config.seed(), classIndex, 2, i)));
        }
        addDefects(jobs, product, classIndex, config, "test", "", config.defects(), 3);
        return jobs;
    }

    private static void addDefects(List<Job> jobs, Product product, int classIndex, Config config, String split,
            String prefix, int count, int stream) {
        List<DefectType> types = product.defects();
        int[] perType = new int[types.size()];
        for (int i = 0; i < count; i++) {
            int t = i % types.size();
            long seed = seed(config.seed(), classIndex, stream, i);
            jobs.add(new Job(split, types.get(t), stem(prefix, perType[t]++), seed));
        }
    }

    private static String stem(String prefix, int i) {
        return prefix + String.format(Locale.ROOT, "%03d", i);
    }

    /** A well-mixed seed for image {@code i} of a stream of a class (SplitMix64's finaliser). */
    static long seed(long seed, int classIndex, int stream, int i) {
        long z = seed + 0x9E3779B97F4A7C15L * (1 + ((long) classIndex << 40) + ((long) stream << 32) + i);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static void prepare(Path root) {
        if (Files.exists(root)) {
            if (!Files.isDirectory(root)) {
                throw AdclipException.usage("--out " + root + " is a file; give a new or empty folder", null);
            }
            try (Stream<Path> entries = Files.list(root)) {
                if (entries.findAny().isPresent()) {
                    throw AdclipException.usage("--out " + root + " is not empty; give a new or empty folder (the "
                            + "generator does not overwrite or mix datasets)", null);
                }
            } catch (IOException e) {
                throw new AdclipException("cannot list " + root + ": " + e.getMessage(), e);
            }
        }
    }

    private static void write(BufferedImage image, Path file) {
        try {
            Files.createDirectories(file.getParent());
            if (!ImageIO.write(image, "png", file.toFile())) {
                throw new AdclipException("cannot write " + file + ": no PNG writer");
            }
        } catch (IOException e) {
            throw new AdclipException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static void writeJson(Path file, ObjectNode tree) {
        try {
            Files.writeString(file, JSON.writeValueAsString(tree) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AdclipException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
