package com.adclip.data;

import static com.adclip.data.TestImages.mask;
import static com.adclip.data.TestImages.rgb;
import static com.adclip.data.TestImages.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adclip.AdclipException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of unusable input is one clear AdclipException from {@link DatasetLoader#load}. */
class DatasetBadInputTest {

    @TempDir
    Path tmp;

    private String error(Path p) {
        AdclipException e = assertThrows(AdclipException.class, () -> DatasetLoader.load(p));
        assertEquals(AdclipException.FAILURE, e.exitCode());
        assertTrue(e.getMessage().lines().count() == 1, e.getMessage());
        return e.getMessage();
    }

    private static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), "expected \"" + part + "\" in: " + message);
        }
    }

    @Test
    void missingMetaJson() {
        assertContains(error(tmp.resolve("nowhere/meta.json")), "meta.json file", "nowhere/meta.json",
                "does not exist");
        assertContains(error(tmp.resolve("nowhere")), "dataset", "nowhere", "does not exist");
    }

    @Test
    void emptyDataset() {
        text(tmp.resolve("meta.json"), "{\"train\": {}, \"test\": {}}");
        assertContains(error(tmp), "has no images", "meta.json index");
    }

    @Test
    void emptyFolderIsAnUnknownLayout() throws IOException {
        Files.createDirectories(tmp.resolve("empty"));
        assertContains(error(tmp.resolve("empty")), "cannot tell the layout", "0 folder(s)", "accepted layouts",
                "MVTec AD", "VisA", "plain folder", "docs/datasets.md");
    }

    @Test
    void unknownLayoutSaysWhatWasFound() throws IOException {
        rgb(tmp.resolve("pics/a.png"), 4, 4, 1);
        rgb(tmp.resolve("pics/b.png"), 4, 4, 2);
        Files.createDirectories(tmp.resolve("pics/holiday"));
        assertContains(error(tmp.resolve("pics")), "1 folder(s) (holiday/) and 2 image(s) at the top level",
                "accepted layouts");
    }

    @Test
    void classWithNoImages() throws IOException {
        rgb(tmp.resolve("ds/bolt/good/1.png"), 4, 4, 1);
        Files.createDirectories(tmp.resolve("ds/nut/good"));
        Files.createDirectories(tmp.resolve("ds/nut/crack"));
        assertContains(error(tmp.resolve("ds")), "class nut has no images", "ds/nut");
    }

    @Test
    void metaJsonClassWithNoImages() {
        text(tmp.resolve("meta.json"), "{\"test\": {\"bolt\": []}}");
        assertContains(error(tmp.resolve("meta.json")), "test/bolt has no images");
    }

    @Test
    void maskMissingWhereTheIndexPromisesIt() {
        rgb(tmp.resolve("a.png"), 4, 4, 1);
        text(tmp.resolve("meta.json"), """
                {"test": {"c": [{"img_path": "a.png", "mask_path": "gt/a.png", "cls_name": "c",
                                 "specie_name": "hole", "anomaly": 1}]}}
                """);
        assertContains(error(tmp), "test/c entry 0", "mask", "gt/a.png", "does not exist");
    }

    @Test
    void imageMissingFromTheIndex() {
        text(tmp.resolve("meta.json"), """
                {"test": {"c": [{"img_path": "a.png", "mask_path": "", "anomaly": 0}]}}
                """);
        assertContains(error(tmp), "test/c entry 0", "image", "a.png", "does not exist");
    }

    @Test
    void badAnomalyValue() {
        rgb(tmp.resolve("a.png"), 4, 4, 1);
        text(tmp.resolve("meta.json"), "{\"test\": {\"c\": [{\"img_path\": \"a.png\", \"anomaly\": 2}]}}");
        assertContains(error(tmp), "\"anomaly\" must be 0 or 1, got 2");
    }

    @Test
    void visaMaskMissing() {
        rgb(tmp.resolve("c/a.png"), 4, 4, 1);
        text(tmp.resolve("split_csv/1cls.csv"), "object,split,label,image,mask\nc,test,anomaly,c/a.png,c/m.png\n");
        assertContains(error(tmp), "1cls.csv row 2", "mask", "c/m.png", "does not exist");
    }

    @Test
    void annotationForAnImageNotInTheDataset() {
        rgb(tmp.resolve("good/1.png"), 4, 4, 1);
        rgb(tmp.resolve("dent/2.png"), 4, 4, 2);
        text(tmp.resolve("annotations.csv"), "image,x,y,w,h\ndent/9.png,1,1,2,2\n");
        assertContains(error(tmp), "annotations.csv row 2 names image dent/9.png", "not a dataset image");
    }

    @Test
    void annotationOnAGoodImage() {
        rgb(tmp.resolve("good/1.png"), 4, 4, 1);
        text(tmp.resolve("annotations.json"), "{\"images\": {\"good/1.png\": [{\"box\": [0, 0, 1, 1]}]}}");
        assertContains(error(tmp), "good/1.png", "good/ folder");
    }

    @Test
    void badAnnotationShapes() {
        rgb(tmp.resolve("good/1.png"), 4, 4, 1);
        rgb(tmp.resolve("dent/2.png"), 4, 4, 2);
        text(tmp.resolve("annotations.csv"), "image,x,y,w,h\ndent/2.png,1,1,0,2\n");
        assertContains(error(tmp), "annotations.csv row 2", "width and height must be positive");
        text(tmp.resolve("annotations.csv"), "image,polygon\ndent/2.png,\"1 1 2\"\n");
        assertContains(error(tmp), "annotations.csv row 2 polygon", "odd count");
        text(tmp.resolve("annotations.csv"), "image,w\ndent/2.png,1\n");
        assertContains(error(tmp), "header must have an \"image\" column");
        Path json = text(tmp.resolve("annotations.json"), "{}");
        assertContains(error(tmp), "both annotations.json and annotations.csv");
        try {
            Files.delete(tmp.resolve("annotations.csv"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        text(json, "{\"images\": {\"dent/2.png\": [{\"polygon\": [[0, 0], [1, 1]]}]}}");
        assertContains(error(tmp), "shape 0", "at least 3 points");
        text(json, "{\"images\": [{\"id\": 1, \"file_name\": \"dent/2.png\"}], \"annotations\": [{\"image_id\": 1, "
                + "\"segmentation\": {\"counts\": \"abc\", \"size\": [4, 4]}}]}");
        assertContains(error(tmp), "RLE segmentations are not supported");
    }

    @Test
    void strayFolderInAMultiClassFolder() {
        rgb(tmp.resolve("bolt/good/1.png"), 4, 4, 1);
        rgb(tmp.resolve("nut/good/2.png"), 4, 4, 2);
        mask(tmp.resolve("masks/x.png"), 4, 4, 0, 0, 1, 1);
        rgb(tmp.resolve("misc/3.png"), 4, 4, 3);
        assertContains(error(tmp), "folder " + tmp.resolve("misc"), "is neither a class", "masks/ tree");
    }

    @Test
    void aFileThatIsNotJson() {
        Path f = text(tmp.resolve("list.txt"), "a.png");
        assertContains(error(f), "is a file but not a meta.json index");
    }

    @Test
    void validationSplitArguments() {
        rgb(tmp.resolve("good/1.png"), 4, 4, 1);
        rgb(tmp.resolve("good/2.png"), 4, 4, 2);
        Dataset d = DatasetLoader.load(tmp);
        AdclipException e = assertThrows(AdclipException.class, () -> d.withValidationSplit(1.0, 1));
        assertEquals(AdclipException.USAGE, e.exitCode());
        assertContains(e.getMessage(), "--val-split", "between 0 and 1");
        Dataset split = d.withValidationSplit(0.5, 1);
        e = assertThrows(AdclipException.class, () -> split.withValidationSplit(0.5, 1));
        assertEquals(AdclipException.USAGE, e.exitCode());
    }
}
