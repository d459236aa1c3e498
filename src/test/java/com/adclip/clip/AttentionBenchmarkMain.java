package com.adclip.clip;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.adclip.torchscript.StorageType;
import com.adclip.torchscript.TorchScriptWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Issue 12: one ViT-L attention path at 518 (16 heads × 1370 tokens × 64) through libtorch's fused
 * {@code scaled_dot_product_attention} and through matmul, softmax, matmul, each in bf16 and fp32, all inside a
 * TorchScript graph. Not a test: run by hand; prints median seconds, interleaved, and the error against fp32 SDPA.
 */
public final class AttentionBenchmarkMain {
    private AttentionBenchmarkMain() {}

    static final String SOURCE = ""
            + "class Att(Module):\n"
            + "  __parameters__ = []\n"
            + "  __buffers__ = [\"s\", ]\n"
            + "  training : bool\n"
            + "  s : Tensor\n"
            + "  def forward(self: __torch__.Att, q: Tensor, k: Tensor, v: Tensor, mt: Tensor) -> Tensor:\n"
            + "    mode = int(mt)\n"
            + "    if mode == 0:\n"
            + "      return torch.scaled_dot_product_attention(q, k, v)\n"
            + "    if mode == 2:\n"
            + "      return torch.to(torch.scaled_dot_product_attention(torch.to(q, 15), torch.to(k, 15), torch.to(v, 15)), 6)\n"
            + "    if mode == 1:\n"
            + "      a = torch.matmul(torch.mul(q, 0.125), torch.transpose(k, -2, -1))\n"
            + "      return torch.matmul(torch.softmax(a, -1), v)\n"
            + "    qb = torch.to(torch.mul(q, 0.125), 15)\n"
            + "    kb = torch.to(k, 15)\n"
            + "    vb = torch.to(v, 15)\n"
            + "    a = torch.matmul(qb, torch.transpose(kb, -2, -1))\n"
            + "    return torch.to(torch.matmul(torch.softmax(a, -1), vb), 6)\n";

    public static void main(String[] args) throws Exception {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int tokens = args.length > 1 ? Integer.parseInt(args[1]) : 1370;
        Path file = Files.createTempFile("att", ".pt");
        try (TorchScriptWriter writer = new TorchScriptWriter(file, "Att")) {
            writer.source(SOURCE);
            writer.tensor("s", new float[] {1f}, new long[] {1}, StorageType.FLOAT32);
        }
        String[] names = {"sdpa fp32", "explicit fp32", "sdpa bf16", "explicit bf16"};
        try (NDManager manager = NDManager.newBaseManager();
                Model model = Model.newInstance("att", Device.cpu(), "PyTorch")) {
            model.load(file);
            Files.delete(file);
            Shape shape = new Shape(1, 16, tokens, 64);
            NDArray q = manager.randomNormal(shape);
            NDArray k = manager.randomNormal(shape);
            NDArray v = manager.randomNormal(shape);
            NDArray exact = null;
            int[] order = {0, 1, 2, 3, 2, 3, 2, 3, 0, 1};
            for (int mode : order) {
                double[] t = new double[reps];
                NDArray y = null;
                for (int r = -1; r < reps; r++) {
                    long t0 = System.nanoTime();
                    y = model.getBlock().forward(new ParameterStore(manager, false),
                            new NDList(q, k, v, manager.create(mode)), false).singletonOrThrow();
                    y.toFloatArray();
                    if (r >= 0) {
                        t[r] = (System.nanoTime() - t0) / 1e9;
                    }
                }
                Arrays.sort(t);
                if (exact == null) {
                    exact = y;
                }
                double err = y.sub(exact).norm().getFloat() / exact.norm().getFloat();
                double flop = 4.0 * 16 * tokens * (double) tokens * 64;
                System.out.printf("%-14s median %.4f s min %.4f s (%.0f GFLOP/s) rel.err %.2e%n", names[mode],
                        t[reps / 2], t[0], flop / t[reps / 2] / 1e9, err);
            }
        }
    }
}
