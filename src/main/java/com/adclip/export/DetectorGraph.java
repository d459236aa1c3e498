package com.adclip.export;

import ai.djl.ndarray.NDArray;
import com.adclip.anomaly.AnomalyDetector;
import com.adclip.anomaly.DetectorConfig;
import com.adclip.anomaly.GaussianSmoothing;
import com.adclip.anomaly.MapPostProcessor;
import com.adclip.clip.ClipModel;
import com.adclip.clip.Precision;
import com.adclip.clip.VisionRequest;
import com.adclip.torchscript.StorageType;
import com.adclip.torchscript.TorchScriptWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A detector as one TorchScript module: {@code forward(pixels [B, 3, S, S]) -> (score [B], map [B, S, S])}.
 * The image tower (with DPAM) is {@link ClipModel#writeTowerGraph}'s; after it come AnomalyCLIP's head
 * ({@code AnomalyHead}: image logits against the baked text features, per-layer similarity maps resized to
 * S×S, their fusion) and the Gaussian smoothing as two matrix products in float64 ({@code G·M·Gᵀ}, scipy's
 * reflect borders folded into G). Same arithmetic as {@code predict}'s S×S map and score.
 */
public final class DetectorGraph {
    static final String CLASS = "AnomalyClipDetector";

    private DetectorGraph() {}

    /** Writes the archive for {@code detector} running on {@code clip}, its tower in {@code precision}. */
    public static void write(Path file, ClipModel clip, AnomalyDetector detector, Precision precision)
            throws IOException {
        write(file, clip, detector, precision, true);
    }

    /**
     * @param fusedAttention false: attention as matmul/softmax/matmul instead of
     *     {@code torch.scaled_dot_product_attention}, so that PyTorch before 2.0 (e.g. Debian's 1.13) loads it too
     */
    public static void write(Path file, ClipModel clip, AnomalyDetector detector, Precision precision,
            boolean fusedAttention) throws IOException {
        DetectorConfig config = detector.config();
        VisionRequest request = new VisionRequest(config.dpam(), config.featureBlocks());
        int size = config.imageSize();
        GaussianSmoothing smoothing = MapPostProcessor.smoothing(config.sigma());
        List<String> extra = new ArrayList<>(List.of("text"));
        if (smoothing != null) {
            extra.add("gauss");
        }
        try (TorchScriptWriter writer = new TorchScriptWriter(file, CLASS)) {
            clip.writeTowerGraph(writer, CLASS, "tower", size, request, precision, fusedAttention, extra,
                    head(config, size / clip.config().vision().patchSize(), smoothing != null));
            NDArray text = detector.textFeatures(); // [2, E], normalised
            writer.tensor("text", text.toFloatArray(), text.getShape().getShape(), StorageType.FLOAT32);
            if (smoothing != null) {
                writer.tensor("gauss", smoothing.matrix(size), new long[] {size, size});
            }
        }
    }

    /** forward + the head's methods, two-space indented, for class {@link #CLASS}. */
    static String head(DetectorConfig config, int grid, boolean smooth) {
        String self = "self: __torch__." + CLASS;
        String t = String.format(Locale.ROOT, "%s", (double) config.temperature());
        int size = config.imageSize();
        StringBuilder s = new StringBuilder();
        s.append("  def forward(").append(self).append(", pixels: Tensor) -> Tuple[Tensor, Tensor]:\n");
        s.append("    t = self.tower(pixels)\n");
        s.append("    logits = torch.div(torch.matmul(self.unit(t[0]), torch.t(self.text)), ").append(t).append(")\n");
        s.append("    score = torch.select(torch.softmax(logits, -1), 1, 1)\n");
        int layers = config.featureBlocks().size();
        for (int i = 1; i <= layers; i++) {
            s.append(i == 1 ? "    m = self.layer_map(t[1])\n"
                    : "    m = torch.add(m, self.layer_map(t[" + i + "]))\n");
        }
        s.append(smooth ? "    return (score, self.smooth(m))\n" : "    return (score, m)\n");
        s.append("  def unit(").append(self).append(", x: Tensor) -> Tensor:\n");
        s.append("    return torch.div(x, torch.norm(x, 2, [-1], True))\n");
        // one layer: softmax over (normal, anomaly) of patch·textᵀ/T, G×G → S×S bilinear, (a + 1 − n) / 2
        s.append("  def layer_map(").append(self).append(", tokens: Tensor) -> Tensor:\n");
        s.append("    p = self.unit(torch.slice(tokens, 1, 1))\n");
        s.append("    probs = torch.softmax(torch.div(torch.matmul(p, torch.t(self.text)), ").append(t).append("), -1)\n");
        s.append("    n = torch.size(probs, 0)\n");
        s.append("    sq = torch.permute(torch.reshape(probs, [n, ").append(grid).append(", ").append(grid)
                .append(", 2]), [0, 3, 1, 2])\n");
        s.append("    r = torch.upsample_bilinear2d(sq, [").append(size).append(", ").append(size)
                .append("], False, None, None)\n");
        s.append("    return torch.div(torch.sub(torch.add(torch.select(r, 1, 1), 1), torch.select(r, 1, 0)), 2)\n");
        if (smooth) {
            // scipy: along rows then columns, float64 sums, each pass stored as float32
            s.append("  def smooth(").append(self).append(", m: Tensor) -> Tensor:\n");
            s.append("    rows = torch.to(torch.matmul(self.gauss, torch.to(m, 7)), 6)\n");
            s.append("    return torch.to(torch.matmul(torch.to(rows, 7), torch.t(self.gauss)), 6)\n");
        }
        return s.toString();
    }
}
