package com.adclip.clip;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
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

    private CompiledVisionTower(Model model, VisionRequest request, int grid) {
        this.model = model;
        this.request = request;
        this.grid = grid;
    }

    /**
     * Writes the graph for {@code grid} (positional embeddings already resized to it) and loads it.
     *
     * @param positional [1 + G², W] for this grid
     */
    static CompiledVisionTower build(ClipConfig.Vision config, ClipParameters params, NDArray positional,
            VisionRequest request, int grid, Precision precision, boolean release) {
        Path file = null;
        try {
            file = Files.createTempFile("adclip-tower-", ".pt");
            List<String> read = write(file, config, params, positional, request, precision);
            if (release) {
                params.release(read); // before loading: the float32 copy and the graph's never coexist
            }
            Model model = Model.newInstance("vision-tower", Device.cpu(), "PyTorch");
            try {
                model.load(file);
            } catch (MalformedModelException | RuntimeException e) {
                model.close();
                throw e;
            }
            return new CompiledVisionTower(model, request, grid);
        } catch (IOException | MalformedModelException e) {
            throw new AdclipException("cannot build the " + precision.label() + " vision tower: " + e.getMessage(), e);
        } finally {
            deleteQuietly(file);
        }
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
        StorageType low = precision == Precision.BF16 ? StorageType.BFLOAT16 : StorageType.FLOAT32;
        String p = "visual.";
        List<String> read = new ArrayList<>();
        put(writer, "conv1", params, p + "conv1.weight", StorageType.FLOAT32, read);
        put(writer, "cls", params, p + "class_embedding", StorageType.FLOAT32, read);
        put(writer, "pos", positional, StorageType.FLOAT32);
        put(writer, "ln_pre_w", params, p + "ln_pre.weight", StorageType.FLOAT32, read);
        put(writer, "ln_pre_b", params, p + "ln_pre.bias", StorageType.FLOAT32, read);
        put(writer, "ln_post_w", params, p + "ln_post.weight", StorageType.FLOAT32, read);
        put(writer, "ln_post_b", params, p + "ln_post.bias", StorageType.FLOAT32, read);
        put(writer, "proj", params, p + "proj", StorageType.FLOAT32, read);
        List<String> names = List.of("ln_1.weight", "ln_1.bias", "attn.in_proj_weight", "attn.in_proj_bias",
                "attn.out_proj.weight", "attn.out_proj.bias", "ln_2.weight", "ln_2.bias", "mlp.c_fc.weight",
                "mlp.c_fc.bias", "mlp.c_proj.weight", "mlp.c_proj.bias");
        for (int b = 0; b < config.layers(); b++) {
            for (int i = 0; i < names.size(); i++) {
                String part = TowerSource.BLOCK_PARTS.get(i);
                StorageType type = TowerSource.LOW_PRECISION_PARTS.contains(part) ? low : StorageType.FLOAT32;
                String name = p + "transformer.resblocks." + b + "." + names.get(i);
                putBlockWeight(writer, TowerSource.blockAttribute(b, part), part, params.get(name), type, precision);
                read.add(name);
            }
        }
        return read;
    }

    private static void putBlockWeight(TorchScriptWriter writer, String attribute, String part, NDArray weight,
            StorageType type, Precision precision) throws IOException {
        if (precision != Precision.BF16) {
            put(writer, attribute, weight, type);
            return;
        }
        NDArray stored = TowerSource.siluForm(part, weight);
        try {
            put(writer, attribute, stored, type);
        } finally {
            if (stored != weight) {
                stored.close();
            }
        }
    }

    private static void put(TorchScriptWriter writer, String attribute, ClipParameters params, String name,
            StorageType type, List<String> read) throws IOException {
        put(writer, attribute, params.get(name), type);
        read.add(name);
    }

    private static void put(TorchScriptWriter writer, String name, NDArray value, StorageType type)
            throws IOException {
        writer.tensor(name, value.toByteBuffer(true), value.getShape().getShape(), type); // no heap copy
    }

    /** Runs the graph on normalised pixels [B, 3, S, S]; results belong to {@code pixels}' manager. */
    VisionFeatures forward(NDArray pixels) {
        NDList out = model.getBlock().forward(new ParameterStore(pixels.getManager(), false), new NDList(pixels),
                false);
        List<VisionFeatures.PatchFeatures> patches = new ArrayList<>();
        List<Integer> blocks = request.featureBlocks();
        for (int i = 0; i < blocks.size(); i++) {
            patches.add(new VisionFeatures.PatchFeatures(blocks.get(i), attached(out.get(1 + i), pixels)));
        }
        return new VisionFeatures(attached(out.get(0), pixels), patches, grid);
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
