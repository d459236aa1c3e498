package com.adclip.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.adclip.weights.ClipWeights;
import com.adclip.weights.ModelRegistry;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;

/**
 * Issue 12, fp32 peak RSS: the fp32 tower graph with its weights bound from the model's tensors against the same
 * graph with its own copy in the archive, in one JVM, calls interleaved (a loaded machine slows both alike).
 * Not a test (no timing assertions): run by hand with java -cp, arguments model, image size, rounds. Prints the
 * median wall seconds and process CPU seconds per image of each.
 */
public final class BoundTowerBenchmarkMain {
    private BoundTowerBenchmarkMain() {}

    public static void main(String[] args) {
        ClipConfig config = ModelRegistry.find(args.length > 0 ? args[0] : "ViT-B/16").config();
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 224;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        VisionRequest request = new VisionRequest(Math.min(20, config.vision().layers() - 1),
                List.of(3, 6, 9, config.vision().layers()));
        int grid = size / config.vision().patchSize();
        try (NDManager manager = NDManager.newBaseManager();
                ClipWeights weights = ClipWeights.random(config, manager, 1)) {
            NDArray positional = new VisionTransformer(config.vision(), weights, manager).positionalFor(grid);
            NDArray pixels = manager.randomNormal(new Shape(1, 3, size, size));
            try (CompiledVisionTower bound = CompiledVisionTower.build(config.vision(), weights, positional, request,
                    grid, Precision.FP32, false, true);
                    CompiledVisionTower copy = CompiledVisionTower.build(config.vision(), weights, positional,
                            request, grid, Precision.FP32, false, false)) {
                float[] a = run(bound, pixels);
                float[] b = run(copy, pixels);
                System.out.println("same global feature: " + Arrays.equals(a, b));
                double[][] wall = new double[2][rounds];
                double[][] cpu = new double[2][rounds];
                for (int i = -2; i < rounds; i++) {
                    for (int m = 0; m < 2; m++) {
                        CompiledVisionTower tower = ((i + m) % 2 == 0) ? bound : copy;
                        int slot = tower == bound ? 0 : 1;
                        long c0 = cpuNanos();
                        long t0 = System.nanoTime();
                        run(tower, pixels);
                        if (i >= 0) {
                            wall[slot][i] = (System.nanoTime() - t0) / 1e9;
                            cpu[slot][i] = (cpuNanos() - c0) / 1e9;
                        }
                    }
                }
                System.out.printf("bound: wall %.3f s, cpu %.3f s; copy: wall %.3f s, cpu %.3f s (medians of %d)%n",
                        median(wall[0]), median(cpu[0]), median(wall[1]), median(cpu[1]), rounds);
            }
        }
    }

    private static float[] run(CompiledVisionTower tower, NDArray pixels) {
        try (NDManager scope = pixels.getManager().newSubManager()) {
            NDArray input = pixels.duplicate();
            input.attach(scope);
            return tower.forward(input).global().toFloatArray();
        }
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
