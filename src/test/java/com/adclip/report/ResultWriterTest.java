package com.adclip.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.adclip.Inspection;
import com.adclip.Outcome;
import com.adclip.Verdict;
import com.adclip.anomaly.DefectRegions;
import com.adclip.anomaly.DetectorConfig;
import com.adclip.anomaly.Prediction;
import com.adclip.anomaly.PromptConfig;
import com.adclip.types.TypeDistribution;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * results.json and results.csv byte for byte, as docs/predict.md describes them: one object per input in input
 * order; {@code types} per image and per region only for a bundle with defect types; failed inputs carry
 * {@code verdict: "ERROR"} and {@code error}. The expected files are written by hand.
 */
class ResultWriterTest {
    private static final DetectorConfig CONFIG =
            new DetectorConfig(48, List.of(2, 3), 5, 4, 0.07f, new PromptConfig(6, 2, 3, "bolt"));

    @TempDir
    Path dir;

    private static Outcome ok(String name, Prediction p, double millis) {
        return new Outcome(Path.of(name), new Inspection(p, null, millis, 0.5), null);
    }

    private static Prediction prediction(double score, Verdict verdict, List<DefectRegions.Region> regions) {
        return new Prediction(score, 1 - score, verdict, new float[6], 3, 2, regions, new boolean[6]);
    }

    private static TypeDistribution types(String first, double p, String second) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(second, 1 - p);
        m.put(first, p);
        return new TypeDistribution(m);
    }

    private String written(String file) throws IOException {
        return Files.readString(dir.resolve(file), StandardCharsets.UTF_8);
    }

    @Test
    void untypedBundleWritesNoTypes() throws IOException {
        ResultWriter writer = new ResultWriter(dir, false, true, CONFIG);
        writer.write("a.png", "a", ok("a.png", prediction(0.75, Verdict.NG,
                List.of(new DefectRegions.Region(1, 1, 0, 2, 1, 2, 3.5f, 2.25f))), 12.34));
        writer.write("dir/b,c.jpg", "b,c", ok("dir/b,c.jpg", prediction(0.25, Verdict.OK, List.of()), 8));
        writer.write("broken.png", "broken", new Outcome(Path.of("broken.png"), null, "not an image"));
        writer.finish();

        assertEquals("""
                [ {
                  "image" : "a.png",
                  "score" : 0.75,
                  "probabilities" : {
                    "normal" : 0.25,
                    "anomaly" : 0.75
                  },
                  "verdict" : "NG",
                  "map" : null,
                  "overlay" : null,
                  "mask" : null,
                  "width" : 3,
                  "height" : 2,
                  "regions" : [ {
                    "x" : 1,
                    "y" : 0,
                    "width" : 2,
                    "height" : 1,
                    "area" : 2,
                    "max_score" : 3.5,
                    "mean_score" : 2.25
                  } ],
                  "ms" : 12.3
                }, {
                  "image" : "dir/b,c.jpg",
                  "score" : 0.25,
                  "probabilities" : {
                    "normal" : 0.75,
                    "anomaly" : 0.25
                  },
                  "verdict" : "OK",
                  "map" : null,
                  "overlay" : null,
                  "mask" : null,
                  "width" : 3,
                  "height" : 2,
                  "regions" : [ ],
                  "ms" : 8.0
                }, {
                  "image" : "broken.png",
                  "verdict" : "ERROR",
                  "error" : "not an image",
                  "ms" : 0.0
                } ]""", written("results.json"));
        assertEquals("""
                image,verdict,score,p_normal,p_anomaly,regions,map,overlay,mask,ms,error
                a.png,NG,0.750000,0.250000,0.750000,1,,,,12.3,
                "dir/b,c.jpg",OK,0.250000,0.750000,0.250000,0,,,,8.0,
                broken.png,ERROR,,,,,,,,0.0,not an image
                """, written("results.csv"));
    }

    @Test
    void typedBundleWritesTypesPerImageAndRegion() throws IOException {
        DefectRegions.Region region = new DefectRegions.Region(1, 0, 1, 3, 1, 3, 1.5f, 0.75f,
                types("scratch", 0.75, "dent"));
        Prediction ng = prediction(0.875, Verdict.NG, List.of(region)).withTypes(List.of(region),
                types("scratch", 0.75, "dent"));
        Prediction ok = prediction(0.125, Verdict.OK, List.of()).withTypes(List.of(), types("dent", 0.5, "scratch"));
        ResultWriter writer = new ResultWriter(dir, false, true, CONFIG);
        writer.write("ng.png", "ng", ok("ng.png", ng, 4.25));
        writer.write("ok.png", "ok", ok("ok.png", ok, 1));
        writer.finish();

        assertEquals("""
                [ {
                  "image" : "ng.png",
                  "score" : 0.875,
                  "probabilities" : {
                    "normal" : 0.125,
                    "anomaly" : 0.875
                  },
                  "verdict" : "NG",
                  "map" : null,
                  "overlay" : null,
                  "mask" : null,
                  "width" : 3,
                  "height" : 2,
                  "regions" : [ {
                    "x" : 0,
                    "y" : 1,
                    "width" : 3,
                    "height" : 1,
                    "area" : 3,
                    "max_score" : 1.5,
                    "mean_score" : 0.75,
                    "types" : {
                      "scratch" : 0.75,
                      "dent" : 0.25
                    }
                  } ],
                  "types" : {
                    "scratch" : 0.75,
                    "dent" : 0.25
                  },
                  "ms" : 4.3
                }, {
                  "image" : "ok.png",
                  "score" : 0.125,
                  "probabilities" : {
                    "normal" : 0.875,
                    "anomaly" : 0.125
                  },
                  "verdict" : "OK",
                  "map" : null,
                  "overlay" : null,
                  "mask" : null,
                  "width" : 3,
                  "height" : 2,
                  "regions" : [ ],
                  "types" : {
                    "dent" : 0.5,
                    "scratch" : 0.5
                  },
                  "ms" : 1.0
                } ]""", written("results.json"));
        assertEquals("""
                image,verdict,score,p_normal,p_anomaly,regions,map,overlay,mask,ms,error,type,type_probability
                ng.png,NG,0.875000,0.125000,0.875000,1,,,,4.3,,scratch,0.750000
                ok.png,OK,0.125000,0.875000,0.125000,0,,,,1.0,,,
                """, written("results.csv"));
    }
}
