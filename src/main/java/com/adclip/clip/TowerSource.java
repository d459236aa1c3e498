package com.adclip.clip;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;

/**
 * The TorchScript source of the vision tower as one graph: patch embedding, the plain blocks, the DPAM blocks
 * (original and V-V paths), the projected patch features of the requested blocks and the global feature. The
 * arithmetic is {@link VisionTransformer}'s; attention is {@code torch.scaled_dot_product_attention} (the V-V
 * path is {@code sdpa(v, v, v)}, same scale). In {@link Precision#BF16} the GEMM inputs are cast to bfloat16
 * inside the graph ({@code torch.to(x, 15)}), outputs back to float32 ({@code torch.to(y, 6)}); attention runs
 * on bf16 q, k, v on CPUs with AMX and on float32 ones elsewhere ({@link Precision#bf16Attention()}).
 *
 * <p>Tensor attributes: {@code conv1, cls, pos, ln_pre_w, ln_pre_b, ln_post_w, ln_post_b, proj} and per block
 * {@code bN_ln1w, bN_ln1b, bN_inw, bN_inb, bN_outw, bN_outb, bN_ln2w, bN_ln2b, bN_fcw, bN_fcb, bN_pw, bN_pb}.
 */
final class TowerSource {
    static final String CLASS = "VisionTower";
    /** Per-block attributes, in the order the block methods take them. */
    static final List<String> BLOCK_PARTS =
            List.of("ln1w", "ln1b", "inw", "inb", "outw", "outb", "ln2w", "ln2b", "fcw", "fcb", "pw", "pb");
    /** Per-block attributes that are GEMM operands (stored bf16 in BF16 mode). */
    static final List<String> LOW_PRECISION_PARTS = List.of("inw", "inb", "outw", "outb", "fcw", "fcb", "pw", "pb");
    static final List<String> TOWER_PARTS =
            List.of("conv1", "cls", "pos", "ln_pre_w", "ln_pre_b", "ln_post_w", "ln_post_b", "proj");

    private static final int BFLOAT16 = 15;
    private static final int FLOAT32 = 6;

    private TowerSource() {}

    /** Every tensor attribute of the module, in declaration order. */
    static List<String> attributes(int layers) {
        List<String> names = new ArrayList<>(TOWER_PARTS);
        for (int b = 0; b < layers; b++) {
            for (String part : BLOCK_PARTS) {
                names.add(blockAttribute(b, part));
            }
        }
        return names;
    }

    static String blockAttribute(int block, String part) {
        return "b" + block + "_" + part;
    }

    /** The source of {@code code/__torch__.py} for the tower alone: class {@link #CLASS}, its forward. */
    static String generate(ClipConfig.Vision config, VisionRequest request, Precision precision) {
        return generate(config, request, precision, CLASS, "forward", true, List.of(), "");
    }

    /**
     * The tower as methods of class {@code className}: the tower's entry is {@code towerMethod} (pixels →
     * tuple of the global feature and the requested patch features), plus {@code extraAttributes} (tensors)
     * and {@code extraSource} (more methods, indented by two spaces) for a graph that continues after it.
     */
    static String generate(ClipConfig.Vision config, VisionRequest request, Precision precision, String className,
            String towerMethod, boolean fusedAttention, List<String> extraAttributes, String extraSource) {
        return generate(config, request, precision, Precision.bf16Attention(), className, towerMethod, fusedAttention,
                extraAttributes, extraSource);
    }

    /** As above, with attention's precision in {@link Precision#BF16} given ({@link Precision#bf16Attention()}). */
    static String generate(ClipConfig.Vision config, VisionRequest request, Precision precision, boolean bf16Attention,
            String className, String towerMethod, boolean fusedAttention, List<String> extraAttributes,
            String extraSource) {
        return generate(config, request, precision, bf16Attention, className, towerMethod, fusedAttention,
                extraAttributes, extraSource, WeightAccess.ATTRIBUTES);
    }

    private static String generate(ClipConfig.Vision config, VisionRequest request, Precision precision,
            boolean bf16Attention, String className, String towerMethod, boolean fusedAttention,
            List<String> extraAttributes, String extraSource, WeightAccess weights) {
        request.checkAgainst(config.layers());
        boolean low = precision == Precision.BF16;
        StringBuilder s = new StringBuilder();
        List<String> names = new ArrayList<>(attributes(config.layers()));
        names.addAll(extraAttributes);
        header(s, className, names);
        forward(s, className, towerMethod, config, request, low, weights);
        s.append(embed(config, weights).replace(CLASS, className));
        String blocks = blockMethods(config, low, low && !bf16Attention).replace(CLASS, className);
        if (!fusedAttention) {
            blocks = blocks.replace(SDPA, explicitAttention(config.width() / config.heads()));
        }
        s.append(blocks);
        s.append(extraSource);
        return s.toString();
    }

    /**
     * The tower alone (class {@link #CLASS}) whose weights are not in the archive but given with every call:
     * {@code forward(pixels, ws)} reads the tensor attribute {@code attributes(layers)[i]} as {@code ws[i]}
     * instead (the archive holds empty placeholders for the declared attributes), so the graph reads the caller's
     * tensors rather than a copy of them. Not a {@code bind} method that assigns the attributes once: in libtorch
     * 2.7.1 a class with such a method ran ViT-B/16 about 7 % slower in CPU time, even where it was never called.
     */
    static String generateWithWeightInputs(ClipConfig.Vision config, VisionRequest request, Precision precision) {
        return generate(config, request, precision, Precision.bf16Attention(), CLASS, "forward", true, List.of(), "",
                WeightAccess.INPUTS);
    }

    /**
     * Where the tower's source reads a weight: a tensor attribute ({@code self.NAME}) or the {@code ws} list that
     * {@code forward}, {@code embed} and {@code project} then take ({@code ws[i]}, {@code i} the attribute's place
     * in {@link #attributes}).
     */
    private enum WeightAccess {
        ATTRIBUTES, INPUTS;

        String read(String attribute, int layers) {
            return this == ATTRIBUTES ? "self." + attribute : "ws[" + attributes(layers).indexOf(attribute) + "]";
        }

        /** The extra parameter of the methods that read weights: none, or {@code , ws: List[Tensor]}. */
        String parameter() {
            return this == ATTRIBUTES ? "" : ", ws: List[Tensor]";
        }

        /** The extra argument when calling them: none, or {@code , ws}. */
        String argument() {
            return this == ATTRIBUTES ? "" : ", ws";
        }
    }

    private static void header(StringBuilder s, String className, List<String> names) {
        s.append("class ").append(className).append("(Module):\n");
        s.append("  __parameters__ = []\n");
        s.append("  __buffers__ = [");
        names.forEach(n -> s.append('"').append(n).append("\", "));
        s.append("]\n");
        s.append("  training : bool\n");
        names.forEach(n -> s.append("  ").append(n).append(" : Tensor\n"));
    }

    private static void forward(StringBuilder s, String className, String method, ClipConfig.Vision config,
            VisionRequest request, boolean low, WeightAccess weights) {
        int outputs = 1 + request.featureBlocks().size();
        s.append("  def ").append(method).append("(self: __torch__.").append(className).append(", pixels: Tensor")
                .append(weights.parameter()).append(") -> ").append(tupleType(outputs)).append(":\n");
        s.append("    x = self.embed(pixels").append(weights.argument()).append(")\n");
        int firstDpam = config.layers() - request.dpamBlocks() + 1; // 1-based
        List<String> returned = new ArrayList<>();
        returned.add("g");
        boolean dual = false;
        for (int block = 1; block <= config.layers(); block++) {
            String args = blockArguments(block - 1, config.layers(), weights);
            // bf16: the last block's original path feeds only the global feature (the class token) unless its
            // patches are returned: it then runs for the class token alone. fp32 runs every token as the reference
            // does, which also keeps its answers the same to the bit whatever the batch (a GEMM of one row per
            // image rounds differently from one of many)
            boolean classOnly = low && block == config.layers()
                    && (block >= firstDpam || !request.featureBlocks().contains(block));
            String suffix = classOnly ? "_class" : "";
            if (block < firstDpam) {
                s.append("    x = self.block").append(suffix).append("(x, ").append(args).append(")\n");
            } else {
                String vv = dual ? "vv" : "x";
                s.append("    _d = self.dual").append(suffix).append("(").append(vv).append(", x, ").append(args).append(")\n");
                s.append("    vv = _d[0]\n    x = _d[1]\n");
                dual = true;
            }
            if (request.featureBlocks().contains(block)) {
                String name = "f" + block;
                s.append("    ").append(name).append(" = self.project(").append(dual ? "vv" : "x")
                        .append(weights.argument()).append(")\n");
                returned.add(name);
            }
        }
        s.append("    g = torch.matmul(torch.select(x, 1, 0), ").append(weights.read("proj", config.layers()))
                .append(")\n");
        s.append("    return (").append(String.join(", ", returned)).append(outputs == 1 ? ",)\n" : ")\n");
    }

    private static String tupleType(int n) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            parts.add("Tensor");
        }
        return "Tuple[" + String.join(", ", parts) + "]";
    }

    private static String blockArguments(int block, int layers, WeightAccess weights) {
        List<String> args = new ArrayList<>();
        for (String part : BLOCK_PARTS) {
            args.add(weights.read(blockAttribute(block, part), layers));
        }
        return String.join(", ", args);
    }

    private static String embed(ClipConfig.Vision c, WeightAccess weights) {
        int w = c.width();
        int p = c.patchSize();
        java.util.function.UnaryOperator<String> read = name -> weights.read(name, c.layers());
        return "  def embed(self: __torch__." + CLASS + ", pixels: Tensor" + weights.parameter() + ") -> Tensor:\n"
                + "    p = torch.conv2d(pixels, " + read.apply("conv1") + ", None, [" + p + ", " + p + "])\n" // [B, W, G, G]
                + "    n = torch.size(p, 0)\n"
                + "    t = torch.transpose(torch.flatten(p, 2), 1, 2)\n" // [B, G², W]
                + "    c = torch.expand(torch.reshape(" + read.apply("cls") + ", [1, 1, " + w + "]), [n, 1, " + w + "])\n"
                + "    x = torch.add(torch.cat([c, t], 1), " + read.apply("pos") + ")\n" // [B, 1+G², W]
                + "    return torch.layer_norm(x, [" + w + "], " + read.apply("ln_pre_w") + ", "
                + read.apply("ln_pre_b") + ", 1e-05)\n"
                + "  def project(self: __torch__." + CLASS + ", x: Tensor" + weights.parameter() + ") -> Tensor:\n"
                + "    h = torch.layer_norm(x, [" + w + "], " + read.apply("ln_post_w") + ", "
                + read.apply("ln_post_b") + ", 1e-05)\n"
                + "    return torch.matmul(h, " + read.apply("proj") + ")\n";
    }

    /** {@code low}: bf16 GEMMs; {@code floatAttention}: their q, k, v raised to float32 for attention. */
    private static String blockMethods(ClipConfig.Vision c, boolean low, boolean floatAttention) {
        int w = c.width();
        int heads = c.heads();
        int d = w / heads;
        String params = "ln1w: Tensor, ln1b: Tensor, inw: Tensor, inb: Tensor, outw: Tensor, outb: Tensor, "
                + "ln2w: Tensor, ln2b: Tensor, fcw: Tensor, fcb: Tensor, pw: Tensor, pb: Tensor";
        String self = "self: __torch__." + CLASS;
        return ""
                // ln-normed tokens → q, k, v stacked [3, B, H, L, D] (views of one GEMM output)
                + "  def qkv(" + self + ", x: Tensor, ln1w: Tensor, ln1b: Tensor, inw: Tensor, inb: Tensor) -> Tensor:\n"
                + "    h = " + lowered("torch.layer_norm(x, [" + w + "], ln1w, ln1b, 1e-05)", low) + "\n"
                + "    packed = " + raised("torch.linear(h, inw, inb)", floatAttention) + "\n" // [B, L, 3W]
                + "    n = torch.size(packed, 0)\n"
                + "    l = torch.size(packed, 1)\n"
                + "    t = torch.reshape(packed, [n, l, 3, " + heads + ", " + d + "])\n"
                + "    return torch.permute(t, [2, 0, 3, 1, 4])\n"
                // attention [B, H, L, D] ×3 → heads merged and out-projected, float32 [B, L, W]
                + "  def attend(" + self + ", q: Tensor, k: Tensor, v: Tensor, outw: Tensor, outb: Tensor) -> Tensor:\n"
                + "    o = torch.scaled_dot_product_attention(q, k, v)\n"
                + "    n = torch.size(o, 0)\n"
                + "    l = torch.size(o, 2)\n"
                + "    m = " + lowered("torch.reshape(torch.transpose(o, 1, 2), [n, l, " + w + "])", floatAttention) + "\n"
                + "    return " + raised("torch.linear(m, outw, outb)", low) + "\n"
                + "  def mlp(" + self + ", x: Tensor, ln2w: Tensor, ln2b: Tensor, fcw: Tensor, fcb: Tensor, pw: Tensor, pb: Tensor) -> Tensor:\n"
                + "    h = " + lowered("torch.layer_norm(x, [" + w + "], ln2w, ln2b, 1e-05)", low) + "\n"
                + "    h = torch.linear(h, fcw, fcb)\n" // [B, L, 4W]
                + quickGelu(low)
                + "    return " + raised("torch.linear(h, pw, pb)", low) + "\n"
                + "  def block(" + self + ", x: Tensor, " + params + ") -> Tensor:\n"
                + "    t = self.qkv(x, ln1w, ln1b, inw, inb)\n"
                + "    x = torch.add(x, self.attend(torch.select(t, 0, 0), torch.select(t, 0, 1), torch.select(t, 0, 2), outw, outb))\n"
                + "    return torch.add(x, self.mlp(x, ln2w, ln2b, fcw, fcb, pw, pb))\n"
                // DPAM: q, k, v from the original path; the V-V path gets sdpa(v, v, v) and no MLP
                + "  def dual(" + self + ", vv: Tensor, x: Tensor, " + params + ") -> Tuple[Tensor, Tensor]:\n"
                + "    t = self.qkv(x, ln1w, ln1b, inw, inb)\n"
                + "    v = torch.select(t, 0, 2)\n"
                + "    x = torch.add(x, self.attend(torch.select(t, 0, 0), torch.select(t, 0, 1), v, outw, outb))\n"
                + "    x = torch.add(x, self.mlp(x, ln2w, ln2b, fcw, fcb, pw, pb))\n"
                + "    vv = torch.add(vv, self.attend(v, v, v, outw, outb))\n"
                + "    return (vv, x)\n"
                // the last block when only its class token is used: queries, MLP and output of that token alone
                + "  def block_class(" + self + ", x: Tensor, " + params + ") -> Tensor:\n"
                + "    t = self.qkv(x, ln1w, ln1b, inw, inb)\n"
                + "    c = torch.narrow(x, 1, 0, 1)\n" // [B, 1, W]
                + "    return self.class_token(c, t, torch.select(t, 0, 2), outw, outb, ln2w, ln2b, fcw, fcb, pw, pb)\n"
                + "  def dual_class(" + self + ", vv: Tensor, x: Tensor, " + params + ") -> Tuple[Tensor, Tensor]:\n"
                + "    t = self.qkv(x, ln1w, ln1b, inw, inb)\n"
                + "    v = torch.select(t, 0, 2)\n"
                + "    c = self.class_token(torch.narrow(x, 1, 0, 1), t, v, outw, outb, ln2w, ln2b, fcw, fcb, pw, pb)\n"
                + "    vv = torch.add(vv, self.attend(v, v, v, outw, outb))\n"
                + "    return (vv, c)\n"
                + "  def class_token(" + self + ", c: Tensor, t: Tensor, v: Tensor, outw: Tensor, outb: Tensor, "
                + "ln2w: Tensor, ln2b: Tensor, fcw: Tensor, fcb: Tensor, pw: Tensor, pb: Tensor) -> Tensor:\n"
                + "    q = torch.narrow(torch.select(t, 0, 0), 2, 0, 1)\n" // [B, H, 1, D]
                + "    c = torch.add(c, self.attend(q, torch.select(t, 0, 1), v, outw, outb))\n"
                + "    return torch.add(c, self.mlp(c, ln2w, ln2b, fcw, fcb, pw, pb))\n";
    }

    /**
     * QuickGELU, {@code h·σ(1.702·h)}. In bf16 the archive holds {@code c_fc} scaled by 1.702 and {@code c_proj}
     * divided by it ({@link #siluForm}), so that the activation is one {@code silu} pass instead of three:
     * {@code silu(1.702·h) = 1.702·QuickGELU(h)}, and {@code c_proj} undoes the factor.
     */
    private static String quickGelu(boolean low) {
        return low ? "    h = torch.silu(h)\n" : "    h = torch.mul(h, torch.sigmoid(torch.mul(h, 1.702)))\n";
    }

    /** QuickGELU's factor (CLIP's {@code x * torch.sigmoid(1.702 * x)}). */
    static final float QUICK_GELU = 1.702f;

    /**
     * A block weight as bf16's {@code silu} form of QuickGELU wants it ({@link #quickGelu}): {@code fcw} and
     * {@code fcb} × 1.702, {@code pw} ÷ 1.702 (new arrays, the caller closes them); other parts unchanged.
     */
    static NDArray siluForm(String part, NDArray weight) {
        if (!part.equals("fcw") && !part.equals("fcb") && !part.equals("pw")) {
            return weight;
        }
        try (NDArray factor = Constants.scalar(weight, QUICK_GELU)) {
            return part.equals("pw") ? weight.div(factor) : weight.mul(factor);
        }
    }

    private static final String SDPA = "    o = torch.scaled_dot_product_attention(q, k, v)\n";

    /** softmax(q·kᵀ·s)·v in three ops, for PyTorch before 2.0 (no {@code scaled_dot_product_attention}). */
    private static String explicitAttention(int headDim) {
        double scale = 1.0 / Math.sqrt(headDim);
        return "    s = torch.matmul(torch.mul(q, " + scale + "), torch.transpose(k, -2, -1))\n"
                + "    o = torch.matmul(torch.softmax(s, -1), v)\n";
    }

    private static String lowered(String expression, boolean low) {
        return low ? "torch.to(" + expression + ", " + BFLOAT16 + ")" : expression;
    }

    private static String raised(String expression, boolean low) {
        return low ? "torch.to(" + expression + ", " + FLOAT32 + ")" : expression;
    }
}
