package com.adclip.data;

import com.adclip.AdclipException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * VisA with its split file {@code split_csv/1cls.csv} (columns {@code object,split,label,image,mask}; label
 * {@code normal}/{@code anomaly}; paths relative to the root). VisA has no defect types: defective images get
 * the type {@code anomaly}.
 */
final class VisaReader {

    static final String CSV = "split_csv/1cls.csv";
    private static final List<String> COLUMNS = List.of("object", "split", "label", "image", "mask");

    private VisaReader() {}

    static boolean matches(Path root) {
        return Files.isRegularFile(root.resolve(CSV));
    }

    static Dataset read(Path root) {
        Path csv = root.resolve(CSV);
        Map<String, List<Sample>> train = new LinkedHashMap<>();
        Map<String, List<Sample>> test = new LinkedHashMap<>();
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setTrim(true)
                .setIgnoreEmptyLines(true).build();
        try (Reader reader = Files.newBufferedReader(csv, StandardCharsets.UTF_8);
                CSVParser parser = format.parse(reader)) {
            if (!parser.getHeaderMap().keySet().containsAll(COLUMNS)) {
                throw new AdclipException(csv + ": expected the columns " + String.join(",", COLUMNS) + ", found "
                        + String.join(",", parser.getHeaderMap().keySet()));
            }
            for (CSVRecord row : parser) {
                String at = csv + " row " + (row.getRecordNumber() + 1);
                String split = row.get("split");
                Map<String, List<Sample>> target = switch (split) {
                    case "train" -> train;
                    case "test" -> test;
                    default -> throw new AdclipException(at + ": split must be train or test, got \"" + split + "\"");
                };
                Sample s = sample(root, at, row);
                target.computeIfAbsent(s.className(), k -> new ArrayList<>()).add(s);
            }
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            throw new AdclipException("cannot read " + csv + " as CSV: " + e.getMessage(), e);
        }
        return new Dataset(root, Layout.VISA, train, test, Map.of());
    }

    private static Sample sample(Path root, String at, CSVRecord row) {
        String cls = row.get("object");
        if (cls.isEmpty()) {
            throw new AdclipException(at + ": empty \"object\" (class) cell");
        }
        String label = row.get("label");
        boolean anomaly = switch (label) {
            case "normal" -> false;
            case "anomaly" -> true;
            default -> throw new AdclipException(at + ": label must be normal or anomaly, got \"" + label + "\"");
        };
        Path image = root.resolve(row.get("image")).normalize();
        if (row.get("image").isEmpty() || !Files.isRegularFile(image)) {
            throw new AdclipException(at + ": image " + image + " does not exist");
        }
        Optional<MaskSource> mask = Optional.empty();
        String maskCell = row.get("mask");
        if (anomaly && !maskCell.isEmpty()) {
            Path m = root.resolve(maskCell).normalize();
            if (!Files.isRegularFile(m)) {
                throw new AdclipException(at + ": mask " + m + " does not exist");
            }
            mask = Optional.of(new MaskSource.File(m));
        }
        return new Sample(image, mask, cls, anomaly ? "anomaly" : Sample.GOOD, anomaly);
    }
}
