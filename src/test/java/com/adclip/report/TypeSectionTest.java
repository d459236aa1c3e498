package com.adclip.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adclip.eval.ClassMetrics;
import com.adclip.eval.TypeCase;
import com.adclip.eval.TypeEvaluation;
import com.adclip.eval.TypeMetrics;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The defect-type section of the test report, from hand-made cases: images 7 (scratch 4: 3 right, 1 as dent;
 * dent 3: 2 right, 1 unknown), regions 2 (scratch right; dent as scratch).
 */
class TypeSectionTest {

    private static void add(List<TypeCase> cases, String truth, String predicted, int n) {
        for (int i = 0; i < n; i++) {
            cases.add(new TypeCase(truth, predicted));
        }
    }

    static TypeEvaluation.Result result() {
        List<TypeCase> images = new ArrayList<>();
        add(images, "scratch", "scratch", 3);
        add(images, "scratch", "dent", 1);
        add(images, "dent", "dent", 2);
        add(images, "dent", TypeCase.UNKNOWN, 1);
        List<TypeCase> regions = new ArrayList<>();
        add(regions, "scratch", "scratch", 1);
        add(regions, "dent", "scratch", 1);
        return new TypeEvaluation.Result(TypeMetrics.of(images), TypeMetrics.of(regions),
                List.of("1 predicted region(s) of typed defective images overlap no ground-truth region"));
    }

    static EvaluationReport report(TypeEvaluation.Result types) {
        boolean[] labels = {false, false, true, true, true};
        double[] scores = {0.1, 0.3, 0.6, 0.8, 0.2};
        ClassMetrics m = ClassMetrics.of(labels, scores, 0.5, null);
        Map<String, ClassMetrics> classes = new LinkedHashMap<>();
        classes.put("plate", m);
        Map<String, String> about = new LinkedHashMap<>();
        about.put("data", "hand-made");
        return new EvaluationReport(about, classes, ClassMetrics.mean(List.of(m)), m, 0.5, "--threshold", 1.5, null,
                null, new double[] {0.1, 0.3}, new double[] {0.6, 0.8, 0.2}, List.of(), List.of(), List.of(),
                List.of(), TrainingProvenance.unavailable("hand-made report"), 4f, Map.of(), types);
    }

    @Test
    void theHtmlTablesHoldTheHandComputedNumbers() {
        String html = report(result()).html();
        // images: 5 of 7 right; F1 dent 2/3, scratch 6/7, macro 16/21
        assertTrue(html.contains("<tr><td>images</td><td class=\"n\">7</td><td class=\"n\">71.4</td>"
                + "<td class=\"n\">76.2</td></tr>"), html);
        // regions: 1 of 2; F1 dent 0, scratch 2/3, macro 1/3
        assertTrue(html.contains("<tr><td>regions</td><td class=\"n\">2</td><td class=\"n\">50.0</td>"
                + "<td class=\"n\">33.3</td></tr>"), html);
        assertTrue(html.contains("<tr><td>scratch</td><td class=\"n\">4</td><td class=\"n\">100.0</td>"
                + "<td class=\"n\">75.0</td><td class=\"n\">85.7</td><td class=\"n\">1</td><td class=\"n\">50.0</td>"
                + "<td class=\"n\">100.0</td><td class=\"n\">66.7</td></tr>"), html);
        assertTrue(html.contains("<tr><td>dent</td><td class=\"n\">3</td><td class=\"n\">66.7</td>"
                + "<td class=\"n\">66.7</td><td class=\"n\">66.7</td><td class=\"n\">1</td>"
                + "<td class=\"n na\" title=\"dent was never predicted\">n/a</td><td class=\"n\">0.0</td>"
                + "<td class=\"n\">0.0</td></tr>"), html);
        assertTrue(html.contains("alt=\"confusion matrix of defect types, images\" src=\"data:image/png;base64,"));
        assertTrue(html.contains("alt=\"confusion matrix of defect types, regions\" src=\"data:image/png;base64,"));
        assertTrue(html.contains("overlap no ground-truth region"), "the notes say what was left out");
    }

    @Test
    void markdownAndJsonCarryTheMatricesAndValues() throws Exception {
        EvaluationReport report = report(result());
        String md = report.markdown();
        assertTrue(md.contains("## Defect types"), md);
        assertTrue(md.contains("| true \\ predicted | dent | scratch | unknown |"), md);
        assertTrue(md.contains("| dent | 2 | 0 | 1 |\n| scratch | 1 | 3 | 0 |"), md);
        assertTrue(md.contains("| images | 7 | 71.4 | 76.2 |"), md);
        assertTrue(report.summaryLines().contains(
                "defect types: images 71.4 % accurate, macro F1 76.2 % (7); regions 50.0 % accurate, macro F1 33.3 % (2)"),
                String.join("\n", report.summaryLines()));
        JsonNode json = new ObjectMapper().readTree(report.json()).get("defect_types");
        assertEquals(5.0 / 7, json.at("/images/accuracy").doubleValue(), 1e-15);
        assertEquals(16.0 / 21, json.at("/images/macro_f1").doubleValue(), 1e-15);
        assertEquals(0.75, json.at("/images/types/scratch/recall").doubleValue(), 1e-15);
        assertTrue(json.at("/regions/types/dent/precision").isNull());
        assertEquals("[[2,0,1],[1,3,0]]", json.at("/images/confusion/counts").toString());
        assertEquals("[\"dent\",\"scratch\",\"unknown\"]", json.at("/images/confusion/predicted").toString());
    }

    @Test
    void withoutTypesTheReportHasNoTypeSection() throws Exception {
        EvaluationReport report = report(null);
        assertFalse(report.html().contains("Defect types"));
        assertFalse(report.markdown().contains("Defect types"));
        assertFalse(new ObjectMapper().readTree(report.json()).has("defect_types"));
        assertTrue(report.summaryLines().stream().noneMatch(l -> l.startsWith("defect types")));
    }

    @Test
    void theMatrixPictureColoursEachCellByItsShareOfTheRow() {
        // dent: 1 dent, 1 scratch, 0 unknown; scratch: 2 unknown
        List<TypeCase> cases = new ArrayList<>();
        add(cases, "dent", "dent", 1);
        add(cases, "dent", "scratch", 1);
        add(cases, "scratch", TypeCase.UNKNOWN, 2);
        TypeMetrics m = TypeMetrics.of(cases);
        BufferedImage picture = ConfusionMatrixPicture.draw("test", m.confusion());
        ConfusionMatrixPicture.Grid grid = ConfusionMatrixPicture.Grid.of(m.confusion());
        int in = grid.cell() / 4; // inside the cell, clear of its frame and of the centred count
        Color half = new Color(132, 152, 181); // white to #08306b half way: 255 + (8 - 255) / 2 = 131.5, rounded up
        assertEquals(half, new Color(picture.getRGB(grid.x(0) + in, grid.y(0) + in)));
        assertEquals(half, new Color(picture.getRGB(grid.x(1) + in, grid.y(0) + in)));
        assertEquals(Color.WHITE, new Color(picture.getRGB(grid.x(2) + in, grid.y(0) + in)));
        assertEquals(Color.WHITE, new Color(picture.getRGB(grid.x(1) + in, grid.y(1) + in)));
        assertEquals(new Color(0x08306b), new Color(picture.getRGB(grid.x(2) + in, grid.y(1) + in)),
                "scratch's whole row is unknown");
        assertTrue(grid.x(2) > grid.x(1) + grid.cell(), "the unknown column is set apart");
    }
}
