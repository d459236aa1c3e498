package com.adclip.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import com.adclip.weights.ClipWeights;
import com.adclip.weights.ModelRegistry;
import java.util.List;

/**
 * Issue 12: libtorch's profiler over one image through the compiled tower (by hand). Writes a Chrome trace of
 * every aten op the graph ran; {@code args: model precision size trace.json}.
 */
public final class ProfileTowerMain {
    private ProfileTowerMain() {}

    public static void main(String[] args) throws Exception {
        ClipConfig config = ModelRegistry.find(args.length > 0 ? args[0] : "ViT-L/14@336px").config();
        Precision precision = Precision.parse(args.length > 1 ? args[1] : "bf16");
        int size = args.length > 2 ? Integer.parseInt(args[2]) : 518;
        String trace = args.length > 3 ? args[3] : "/tmp/tower-trace.json";
        int layers = config.vision().layers();
        VisionRequest request = new VisionRequest(layers - 4, List.of(layers / 4, layers / 2, 3 * layers / 4, layers));
        try (NDManager manager = NDManager.newBaseManager();
                ClipWeights weights = ClipWeights.random(config, manager, 1);
                ClipModel model = ClipModel.create(config, weights, manager, precision)) {
            for (int i = 0; i < 3; i++) {
                try (NDManager scope = manager.newSubManager()) {
                    NDArray pixels = scope.randomNormal(new Shape(1, 3, size, size));
                    long t0 = System.nanoTime();
                    if (i == 2) {
                        JniUtils.startProfile(false, true, false);
                    }
                    model.encodeVision(pixels, request).global().toFloatArray();
                    if (i == 2) {
                        JniUtils.stopProfile(trace);
                    }
                    System.out.printf("image %d: %.3f s%n", i, (System.nanoTime() - t0) / 1e9);
                }
            }
        }
    }
}
