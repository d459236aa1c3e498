package com.adclip.data;

import com.adclip.AdclipException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Loads a dataset from a folder or a {@code meta.json} file, detecting the layout (first match wins):
 * <ol>
 *   <li>a {@code .json} file, or a folder with {@code meta.json}: the reference's index;
 *   <li>a folder with {@code split_csv/1cls.csv}: VisA;
 *   <li>a folder with {@code test/} and {@code ground_truth/}, or whose sub-folders have them: MVTec AD;
 *   <li>a folder with {@code good/} or {@code train/}/{@code test/}/{@code val/}, or whose sub-folders all
 *       do: a plain folder.
 * </ol>
 * Only the file tree is read (image headers are not), so loading is cheap; every file the layout names must
 * exist. Bad input is an {@link AdclipException} naming the file and what to change.
 */
public final class DatasetLoader {

    static final String ACCEPTED = "accepted layouts: a meta.json index, MVTec AD (CLASS/train/good, "
            + "CLASS/test/TYPE, CLASS/ground_truth/TYPE), VisA (split_csv/1cls.csv), or a plain folder (good/ plus "
            + "one folder per defect type, optionally inside CLASS/ and train/, test/, val/ folders); "
            + "see docs/datasets.md";

    private DatasetLoader() {}

    /** Loads the dataset at {@code path} (a folder or a meta.json file). */
    public static Dataset load(Path path) {
        Path p = path.toAbsolutePath().normalize();
        Dataset dataset;
        if (!Files.exists(p)) {
            if (p.getFileName() != null && p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json")) {
                throw new AdclipException("meta.json file " + p + " does not exist; pass a dataset folder or an "
                        + "existing meta.json");
            }
            throw new AdclipException("dataset " + p + " does not exist; pass a dataset folder or a meta.json file");
        } else if (Files.isRegularFile(p)) {
            if (!p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json")) {
                throw new AdclipException("dataset " + p + " is a file but not a meta.json index; pass a dataset "
                        + "folder or a meta.json file (" + ACCEPTED + ")");
            }
            dataset = MetaJson.read(p);
        } else if (Files.isRegularFile(p.resolve("meta.json"))) {
            dataset = MetaJson.read(p.resolve("meta.json"));
        } else if (VisaReader.matches(p)) {
            dataset = VisaReader.read(p);
        } else if (MvtecReader.matches(p)) {
            dataset = MvtecReader.read(p);
        } else if (FolderReader.matches(p)) {
            dataset = FolderReader.read(p);
        } else {
            throw new AdclipException("cannot tell the layout of dataset " + p + ": found " + describe(p) + "; "
                    + ACCEPTED);
        }
        if (Dataset.SPLITS.stream().allMatch(s -> dataset.samples(s).isEmpty())) {
            throw new AdclipException("dataset " + p + " (" + dataset.layout().description() + ") has no images");
        }
        return dataset;
    }

    private static String describe(Path dir) {
        List<Path> folders = ImageFiles.folders(dir);
        int images = ImageFiles.images(dir).size();
        String names = folders.stream().limit(5).map(f -> f.getFileName() + "/").reduce((a, b) -> a + ", " + b)
                .orElse("");
        if (folders.size() > 5) {
            names += ", ...";
        }
        return folders.size() + " folder(s)" + (folders.isEmpty() ? "" : " (" + names + ")") + " and " + images
                + " image(s) at the top level, no meta.json";
    }
}
