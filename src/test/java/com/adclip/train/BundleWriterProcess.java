package com.adclip.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.adclip.anomaly.Bundle;
import com.adclip.anomaly.BundleManifest;
import com.adclip.anomaly.DetectorConfig;
import com.adclip.anomaly.PromptConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Child process for the kill test: saves ever newer checkpoints to one path until it is killed. */
public final class BundleWriterProcess {
    private BundleWriterProcess() {}

    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        DetectorConfig config = new DetectorConfig(48, List.of(2, 3, 4, 6), 5, 4, 0.07f, new PromptConfig(6, 2, 3, "x"));
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int generation = 0; ; generation++) {
                try (NDManager scope = manager.newSubManager()) {
                    NDArray big = scope.full(new Shape(1, 1, 6, 200_000), (float) generation); // ~4.8 MB per tensor
                    Bundle bundle = Bundle.create(new BundleManifest.ClipReference(null, "w", "0".repeat(64)), config,
                            BundleManifest.Thresholds.defaults(config), Map.of("generation", generation),
                            Map.of("ctx_pos", big, "ctx_neg", big));
                    bundle.save(file);
                    System.out.println("saved " + generation);
                    System.out.flush();
                }
            }
        }
    }
}
