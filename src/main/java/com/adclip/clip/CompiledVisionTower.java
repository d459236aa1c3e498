package com.adclip.clip;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.training.ParameterStore;
import com.adclip.AdclipException;
import com.adclip.torchscript.StorageType;
import com.adclip.torchscript.TorchScriptWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The vision tower for one input grid and one {@link VisionRequest}, as a single TorchScript graph
 * ({@link TowerSource}) that our code writes with the model's weights and libtorch compiles. Java hands it
 * float32 pixels and gets float32 features back; any lower precision lives inside the graph.
 */
final class CompiledVisionTower implements AutoCloseable {
    private final Model model;
    private final VisionRequest request;
    private final int grid;
    /** The weights given with every call, in {@link TowerSource#attributes} order; null when the graph holds them. */
    private final PtNDArray[] weights;

    private CompiledVisionTower(Model model, VisionRequest request, int grid, PtNDArray[] weights) {
        this.model = model;
        this.request = request;
        this.grid = grid;
        this.weights = weights;
    }

    /**
     * Writes the graph for {@code grid} (positional embeddings already resized to it) and loads it. When
     * {@link #weightsAsInputs} the archive holds no weights and every call gives the graph the tensors of
     * {@code params} and {@code positional} themselves (they must stay open while the tower is used; nothing is
     * released); otherwise the archive holds its own copy and, with {@code release}, {@code params} are asked to
     * free the float32 tower weights before it is loaded.
     *
     * @param positional [1 + G², W] for this grid
     */
    static CompiledVisionTower build(ClipConfig.Vision config, ClipParameters params, NDArray positional,
            VisionRequest request, int grid, Precision precision, boolean release) {
        return build(config, params, positional, request, grid, precision, release, weightsAsInputs(precision));
    }

    /** {@link #build}, the weights given with every call or written into the archive as {@code bound} says. */
    static CompiledVisionTower build(ClipConfig.Vision config, ClipParameters params, NDArray positional,
            VisionRequest request, int grid, Precision precision, boolean release, boolean bound) {
        Path file = null;
        try {
            file = Files.createTempFile("adclip-tower-", ".pt");
            if (bound) {
                writeWithoutWeights(file, config, request, precision);
            } else {
                List<String> read = write(file, config, params, positional, request, precision);
                if (release) {
                    params.release(read); // before loading: the float32 copy and the graph's never coexist
                }
            }
            PtNDArray[] weights = bound ? tensors(config, params, positional, precision) : null;
            Model model = Model.newInstance("vision-tower", Device.cpu(), "PyTorch");
            try {
                model.load(file);
            } catch (MalformedModelException | RuntimeException e) {
                model.close();
                throw e;
            }
            return new CompiledVisionTower(model, request, grid, weights);
        } catch (IOException | MalformedModelException e) {
            throw new AdclipException("cannot build the " + precision.label() + " vision tower: " + e.getMessage(), e);
        } finally {
            deleteQuietly(file);
        }
    }

    /**
     * Whether the graph of {@code precision} reads the model's own float32 weights (given with every call) instead
     * of a copy in its archive: {@link Precision#FP32}, whose graph stores them exactly as the model does, so
     * ViT-L's 1.2 GB exist once (issue 12, peak RSS). {@link Precision#BF16} keeps its own bf16 copy.
     */
    static boolean weightsAsInputs(Precision precision) {
        return precision == Precision.FP32;
    }

    /**
     * Writes the tower's archive without weights: an empty placeholder per tensor attribute, and the source whose
     * {@code forward(pixels, ws)} takes them with every call.
     */
    static void writeWithoutWeights(Path file, ClipConfig.Vision config, VisionRequest request, Precision precision)
            throws IOException {
        try (TorchScriptWriter writer = new TorchScriptWriter(file, TowerSource.CLASS)) {
            writer.source(TowerSource.generateWithWeightInputs(config, request, precision));
            for (Weight w : weights(config, precision)) {
                writer.tensor(w.attribute(), new float[0], new long[] {0}, StorageType.FLOAT32);
            }
        }
    }

    /** The tensors the graph reads, in {@link TowerSource#attributes} order. */
    private static PtNDArray[] tensors(ClipConfig.Vision config, ClipParameters params, NDArray positional,
            Precision precision) {
        List<PtNDArray> tensors = new ArrayList<>();
        for (Weight w : weights(config, precision)) {
            tensors.add((PtNDArray) (w.parameter() == null ? positional : params.get(w.parameter())));
        }
        return tensors.toArray(PtNDArray[]::new);
    }

    /**
     * Writes the tower's archive: the source for {@code precision} and every weight it reads.
     *
     * @return the names of the parameters written (the positional embedding is given resized, not read)
     */
    static List<String> write(Path file, ClipConfig.Vision config, ClipParameters params, NDArray positional,
            VisionRequest request, Precision precision) throws IOException {
        try (TorchScriptWriter writer = new TorchScriptWriter(file, TowerSource.CLASS)) {
            writer.source(TowerSource.generate(config, request, precision));
            return writeWeights(writer, config, params, positional, precision);
        }
    }

    /**
     * Every tensor attribute of {@link TowerSource}, GEMM weights in bf16 for {@link Precision#BF16}.
     *
     * @return the names of the parameters written
     */
    static List<String> writeWeights(TorchScriptWriter writer, ClipConfig.Vision config, ClipParameters params,
            NDArray positional, Precision precision) throws IOException {
        List<String> read = new ArrayList<>();
        for (Weight w : weights(config, precision)) {
            NDArray value = w.parameter() == null ? positional : params.get(w.parameter());
            // bf16 archives hold c_fc ×1.702 and c_proj ÷1.702 for QuickGELU as one silu (TowerSource.siluForm)
            NDArray stored = precision == Precision.BF16 && w.part() != null ? TowerSource.siluForm(w.part(), value)
                    : value;
            try {
                long[] shape = stored.getShape().getShape();
                writer.tensor(w.attribute(), stored.toByteBuffer(true), shape, w.type()); // streamed: no heap copy
            } finally {
                if (stored != value) {
                    stored.close();
                }
            }
            if (w.parameter() != null) {
                read.add(w.parameter());
            }
        }
        return read;
    }

    /**
     * One tensor attribute of the graph: its block part ({@link TowerSource#BLOCK_PARTS}; {@code null} outside
     * the blocks), the parameter it holds ({@code null} for the positional embedding, given resized to the grid)
     * and its storage in an archive that holds the weights.
     */
    private record Weight(String attribute, String part, String parameter, StorageType type) {}

    /** Every tensor attribute of {@link TowerSource}, in {@link TowerSource#attributes} order. */
    private static List<Weight> weights(ClipConfig.Vision config, Precision precision) {
        StorageType low = precision == Precision.BF16 ? StorageType.BFLOAT16 : StorageType.FLOAT32;
        String p = "visual.";
        List<String> tower = List.of("conv1.weight", "class_embedding", "", "ln_pre.weight", "ln_pre.bias",
                "ln_post.weight", "ln_post.bias", "proj"); // TowerSource.TOWER_PARTS; "" is the positional embedding
        List<Weight> weights = new ArrayList<>();
        for (int i = 0; i < tower.size(); i++) {
            String name = tower.get(i);
            weights.add(new Weight(TowerSource.TOWER_PARTS.get(i), null, name.isEmpty() ? null : p + name,
                    StorageType.FLOAT32));
        }
        for (int b = 0; b < config.layers(); b++) {
            for (int i = 0; i < BLOCK_PARAMETERS.size(); i++) {
                String part = TowerSource.BLOCK_PARTS.get(i);
                StorageType type = TowerSource.LOW_PRECISION_PARTS.contains(part) ? low : StorageType.FLOAT32;
                weights.add(new Weight(TowerSource.blockAttribute(b, part), part,
                        p + "transformer.resblocks." + b + "." + BLOCK_PARAMETERS.get(i), type));
            }
        }
        return weights;
    }

    /** The checkpoint names of {@link TowerSource#BLOCK_PARTS}, in that order. */
    private static final List<String> BLOCK_PARAMETERS = List.of("ln_1.weight", "ln_1.bias", "attn.in_proj_weight",
            "attn.in_proj_bias", "attn.out_proj.weight", "attn.out_proj.bias", "ln_2.weight", "ln_2.bias",
            "mlp.c_fc.weight", "mlp.c_fc.bias", "mlp.c_proj.weight", "mlp.c_proj.bias");

    /** Runs the graph on normalised pixels [B, 3, S, S]; results belong to {@code pixels}' manager. */
    VisionFeatures forward(NDArray pixels) {
        NDList out = weights == null ? model.getBlock().forward(new ParameterStore(pixels.getManager(), false),
                new NDList(pixels), false) : forwardWithWeights((PtNDArray) pixels);
        List<VisionFeatures.PatchFeatures> patches = new ArrayList<>();
        List<Integer> blocks = request.featureBlocks();
        for (int i = 0; i < blocks.size(); i++) {
            patches.add(new VisionFeatures.PatchFeatures(blocks.get(i), attached(out.get(1 + i), pixels)));
        }
        return new VisionFeatures(attached(out.get(0), pixels), patches, grid);
    }

    /** {@code forward(pixels, weights)}: the weights go in as a list of the caller's tensors (no copy). */
    private NDList forwardWithWeights(PtNDArray pixels) {
        PtSymbolBlock block = (PtSymbolBlock) model.getBlock();
        try (IValue input = IValue.from(pixels);
                IValue list = IValue.listFrom(weights);
                IValue result = IValueUtils.runMethod(block, "forward", input, list)) {
            NDList out = new NDList();
            for (IValue value : result.toIValueTuple()) {
                try (value) {
                    out.add(value.toTensor(pixels.getManager()));
                }
            }
            return out;
        }
    }

    private static NDArray attached(NDArray array, NDArray owner) {
        array.attach(owner.getManager());
        return array;
    }

    @Override
    public void close() {
        model.close();
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            file.toFile().deleteOnExit();
        }
    }

    /** The cache key of a compiled tower. */
    record Key(int grid, VisionRequest request) {}

    static int gridOf(Shape pixels, int patchSize) {
        return (int) (pixels.get(2) / patchSize);
    }
}
