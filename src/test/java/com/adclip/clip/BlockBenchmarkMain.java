package com.adclip.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.adclip.weights.ClipWeights;
import java.util.Arrays;
import java.util.List;

/**
 * Step 1 of issue 12: one ViT-L block (width 1024, 16 heads, 1370 tokens at 518 px) through today's DJL ops
 * and through the compiled TorchScript graph in fp32 and bf16, plain and DPAM (two attention paths).
 * Not a test (no timing assertions): run by hand,
 * {@code mvn -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=com.adclip.clip.BlockBenchmarkMain}
 * or with java -cp. Prints one line per case: median seconds over {@code reps} after warm-up.
 */
public final class BlockBenchmarkMain {
    private BlockBenchmarkMain() {}

    public static void main(String[] args) {
        int size = args.length > 0 ? Integer.parseInt(args[0]) : 518;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int layers = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        ClipConfig config = new ClipConfig(768, new ClipConfig.Vision(1024, layers, 14, size),
                new ClipConfig.Text(64, 1, 77, 49408));
        try (NDManager manager = NDManager.newBaseManager();
                ClipWeights weights = ClipWeights.random(config, manager, 1)) {
            NDArray pixels = manager.randomNormal(new Shape(1, 3, size, size));
            for (Precision precision : List.of(Precision.EAGER, Precision.FP32, Precision.BF16)) {
                try (ClipModel model = ClipModel.create(config, weights::get, manager, precision)) {
                    for (int dpam : new int[] {0, layers + 1}) {
                        VisionRequest request = new VisionRequest(dpam, List.of());
                        double s = median(model, pixels, request, reps);
                        System.out.printf("%s layers=%d dpam=%s tokens=%d: %.3f s%n", precision.label(), layers,
                                dpam > 0 ? "yes" : "no", (size / 14) * (size / 14) + 1, s);
                    }
                }
            }
        }
    }

    private static double median(ClipModel model, NDArray pixels, VisionRequest request, int reps) {
        double[] times = new double[reps];
        for (int i = -3; i < reps; i++) {
            try (NDManager scope = pixels.getManager().newSubManager()) {
                NDArray input = pixels.duplicate();
                input.attach(scope);
                long t0 = System.nanoTime();
                model.encodeVision(input, request).global().toFloatArray();
                if (i >= 0) {
                    times[i] = (System.nanoTime() - t0) / 1e9;
                }
            }
        }
        Arrays.sort(times);
        return times[reps / 2];
    }
}
