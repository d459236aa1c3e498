package com.adclip.clip;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.adclip.torchscript.TorchScriptWriter;
import com.adclip.weights.ClipWeights;
import com.adclip.weights.ModelRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Issue 12 (by hand): variants of the bf16 tower graph, each a text edit of {@link TowerSource}'s source, run
 * interleaved image by image in one process so that the host's drift hits them alike. Prints median and minimum
 * seconds per image and each variant's largest |Δ| of the global feature against the first.
 * {@code args: model size rounds variant...} with variants {@code current}, {@code quickgelu} (the three-op
 * activation's cost), {@code allrows} (the last block for every token), {@code bf16attention} (bf16 q, k, v as before issue 12's fourth pass).
 */
public final class TowerVariantsMain {
    private TowerVariantsMain() {}

    static final Map<String, UnaryOperator<String>> EDITS = new LinkedHashMap<>();

    static {
        EDITS.put("current", s -> s);
        EDITS.put("quickgelu", s -> s.replace("    h = torch.silu(h)\n",
                "    h = torch.mul(h, torch.sigmoid(torch.mul(h, 1.0)))\n"));
        EDITS.put("allrows", s -> s.replace("self.dual_class(", "self.dual(").replace("self.block_class(", "self.block("));
        EDITS.put("bf16attention", s -> s.replace("    o = torch.scaled_dot_product_attention(q, k, v)\n",
                "    o = torch.to(torch.scaled_dot_product_attention(torch.to(q, 15), torch.to(k, 15), torch.to(v, 15)), 6)\n"));
    }

    public static void main(String[] args) throws Exception {
        ClipConfig config = ModelRegistry.find(args[0]).config();
        int size = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        List<String> variants = List.of(args).subList(3, args.length);
        int layers = config.vision().layers();
        VisionRequest request = new VisionRequest(layers - 5, List.of(layers / 4, layers / 2, 3 * layers / 4, layers));
        int grid = size / config.vision().patchSize();
        try (NDManager manager = NDManager.newBaseManager();
                ClipWeights weights = ClipWeights.random(config, manager, 1)) {
            NDArray positional = new VisionTransformer(config.vision(), weights, manager).positionalFor(grid);
            List<Model> models = new ArrayList<>();
            for (String v : variants) {
                Path file = Files.createTempFile("variant", ".pt");
                try (TorchScriptWriter writer = new TorchScriptWriter(file, TowerSource.CLASS)) {
                    String source = TowerSource.generate(config.vision(), request, Precision.BF16);
                    String edited = EDITS.get(v).apply(source);
                    if (!v.equals("current") && edited.equals(source)) {
                        throw new IllegalStateException(v + " changed nothing");
                    }
                    writer.source(edited);
                    CompiledVisionTower.writeWeights(writer, config.vision(), weights, positional, Precision.BF16);
                }
                Model m = Model.newInstance(v, Device.cpu(), "PyTorch");
                m.load(file);
                Files.delete(file);
                models.add(m);
            }
            NDArray pixels = manager.randomNormal(new Shape(1, 3, size, size));
            double[][] t = new double[variants.size()][rounds];
            float[][] global = new float[variants.size()][];
            for (int r = -1; r < rounds; r++) {
                for (int i = 0; i < models.size(); i++) {
                    try (NDManager scope = manager.newSubManager()) {
                        NDArray input = pixels.duplicate();
                        input.attach(scope);
                        long t0 = System.nanoTime();
                        NDList out = models.get(i).getBlock().forward(new ParameterStore(scope, false),
                                new NDList(input), false);
                        global[i] = out.get(0).toFloatArray();
                        if (r >= 0) {
                            t[i][r] = (System.nanoTime() - t0) / 1e9;
                        }
                        out.close();
                    }
                }
            }
            for (int i = 0; i < variants.size(); i++) {
                double[] s = t[i].clone();
                Arrays.sort(s);
                float worst = 0;
                for (int j = 0; j < global[i].length; j++) {
                    worst = Math.max(worst, Math.abs(global[i][j] - global[0][j]));
                }
                System.out.printf("%-14s median %.3f s  min %.3f s  max|Δ global| %.2e  (%s)%n", variants.get(i),
                        s[rounds / 2], s[0], worst, Arrays.toString(t[i]));
            }
            models.forEach(Model::close);
        }
    }
}
