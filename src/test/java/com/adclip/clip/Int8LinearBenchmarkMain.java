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
import java.util.Random;

/**
 * Issue 12, route "int8": one ViT-L MLP-sized linear (1370×1024 · 1024×4096) in fp32, bf16 (weights stored
 * bf16) and int8 ({@code torch._int_mm} with per-token dynamic activation quantisation and per-channel int8
 * weights written by our archive writer). Not a test: run by hand, prints median seconds and the relative
 * error of bf16/int8 against fp32.
 */
public final class Int8LinearBenchmarkMain {
    private Int8LinearBenchmarkMain() {}

    static final String SOURCE = ""
            + "class Lin(Module):\n"
            + "  __parameters__ = []\n"
            + "  __buffers__ = [\"w\", \"b\", \"wb\", \"bb\", \"wq\", \"ws\", ]\n"
            + "  training : bool\n"
            + "  w : Tensor\n  b : Tensor\n  wb : Tensor\n  bb : Tensor\n  wq : Tensor\n  ws : Tensor\n  wqt : Tensor\n"
            + "  def forward(self: __torch__.Lin, x: Tensor, mt: Tensor) -> Tensor:\n"
            + "    mode = int(mt)\n"
            + "    if mode == 0:\n"
            + "      return torch.linear(x, self.w, self.b)\n"
            + "    if mode == 1:\n"
            + "      return torch.to(torch.linear(torch.to(x, 15), self.wb, self.bb), 6)\n"
            + "    if mode == 3:\n"
            + "      return torch.to(torch._int_mm(x, self.wq), 6)\n"
            + "    if mode == 4:\n"
            + "      return torch.to(torch._int_mm(x, torch.t(self.wqt)), 6)\n"
            + "    s = torch.div(torch.clamp_min(torch.amax(torch.abs(x), [-1], True), 1e-12), 127.0)\n"
            + "    q = torch.to(torch.round(torch.div(x, s)), 1)\n"
            + "    acc = torch._int_mm(q, self.wq)\n"
            + "    return torch.add(torch.mul(torch.mul(torch.to(acc, 6), s), self.ws), self.b)\n";

    public static void main(String[] args) throws Exception {
        int l = 1370;
        int k = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 4096;
        int reps = args.length > 2 ? Integer.parseInt(args[2]) : 7;
        Random random = new Random(1);
        float[] w = new float[n * k];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (random.nextGaussian() * 0.02);
        }
        float[] b = new float[n];
        float[] wq = new float[k * n]; // [K, N]
        float[] ws = new float[n];
        for (int o = 0; o < n; o++) {
            float max = 0;
            for (int i = 0; i < k; i++) {
                max = Math.max(max, Math.abs(w[o * k + i]));
            }
            ws[o] = max / 127f;
            for (int i = 0; i < k; i++) {
                wq[i * n + o] = Math.round(w[o * k + i] / ws[o]);
            }
        }
        Path file = Files.createTempFile("lin", ".pt");
        try (TorchScriptWriter writer = new TorchScriptWriter(file, "Lin")) {
            writer.source(SOURCE);
            writer.tensor("w", w, new long[] {n, k}, StorageType.FLOAT32);
            writer.tensor("b", b, new long[] {n}, StorageType.FLOAT32);
            writer.tensor("wb", w, new long[] {n, k}, StorageType.BFLOAT16);
            writer.tensor("bb", b, new long[] {n}, StorageType.BFLOAT16);
            writer.tensor("wq", wq, new long[] {k, n}, StorageType.INT8);
            float[] wqt = new float[n * k];
            for (int o = 0; o < n; o++) {
                for (int i = 0; i < k; i++) {
                    wqt[o * k + i] = wq[i * n + o];
                }
            }
            writer.tensor("wqt", wqt, new long[] {n, k}, StorageType.INT8);
            writer.tensor("ws", ws, new long[] {n}, StorageType.FLOAT32);
        }
        try (NDManager manager = NDManager.newBaseManager(); Model model = Model.newInstance("lin", Device.cpu(), "PyTorch")) {
            model.load(file);
            Files.delete(file);
            NDArray x = manager.randomNormal(new Shape(l, k));
            NDArray exact = null;
            NDArray xi = x.mul(20).round().clip(-127, 127).toType(ai.djl.ndarray.types.DataType.INT8, false);
            int[] order = {0, 1, 2, 3, 4, 1, 2, 3, 1, 2, 3}; // interleaved: A/B under a shared machine's load
            for (int mode : order) {
                double[] t = new double[reps];
                NDArray y = null;
                for (int r = -2; r < reps; r++) {
                    long t0 = System.nanoTime();
                    y = model.getBlock().forward(new ParameterStore(manager, false),
                            new NDList(mode >= 3 ? xi : x, manager.create(mode)), false).singletonOrThrow();
                    y.toFloatArray();
                    if (r >= 0) {
                        t[r] = (System.nanoTime() - t0) / 1e9;
                    }
                }
                Arrays.sort(t);
                double err = 0;
                if (mode == 0) {
                    exact = y;
                } else if (mode < 3) {
                    err = y.sub(exact).norm().getFloat() / exact.norm().getFloat();
                }
                double gflops = 2.0 * l * k * n / t[reps / 2] / 1e9;
                System.out.printf("mode=%s %dx%d·%dx%d median %.4f s min %.4f s (%.0f GOP/s) rel.err %.2e%n",
                        new String[] {"fp32", "bf16", "int8", "int_mm only", "int_mm W^T view"}[mode], l, k, k, n, t[reps / 2], t[0], gflops, err);
            }
        }
    }
}
