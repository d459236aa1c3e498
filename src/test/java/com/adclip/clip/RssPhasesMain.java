package com.adclip.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.adclip.weights.ClipWeights;
import com.adclip.weights.ModelRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Issue 12: resident memory after each phase of one ViT-L image (by hand; prints VmRSS and VmHWM). */
public final class RssPhasesMain {
    private RssPhasesMain() {}

    public static void main(String[] args) throws Exception {
        Precision precision = Precision.parse(args.length > 0 ? args[0] : "bf16");
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 518;
        rss("start");
        ClipConfig config = ModelRegistry.find("ViT-L/14@336px").config();
        try (NDManager manager = NDManager.newBaseManager();
                ClipWeights weights = ClipWeights.random(config, manager, 1)) {
            rss("random weights");
            try (ClipModel model = ClipModel.create(config, weights, manager, precision)) {
                rss("model");
                VisionRequest request = new VisionRequest(20, List.of(6, 12, 18, 24));
                for (int i = 0; i < 2; i++) {
                    try (NDManager scope = manager.newSubManager()) {
                        NDArray pixels = scope.randomNormal(new Shape(1, 3, size, size));
                        model.encodeVision(pixels, request).global().toFloatArray();
                        rss("image " + i);
                    }
                }
            }
        }
    }

    static void rss(String what) throws Exception {
        StringBuilder s = new StringBuilder(what).append(':');
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS") || line.startsWith("VmHWM")) {
                s.append(' ').append(line.replaceAll("\\s+", " "));
            }
        }
        Runtime r = Runtime.getRuntime();
        s.append(" heap ").append((r.totalMemory() - r.freeMemory()) >> 20).append('/').append(r.totalMemory() >> 20).append(" MB");
        System.out.println(s);
    }
}
