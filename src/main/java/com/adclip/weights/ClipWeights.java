package com.adclip.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.adclip.AdclipException;
import com.adclip.clip.ClipConfig;
import com.adclip.clip.ClipParameters;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The float32 tensors of a CLIP ViT under OpenAI / open_clip names, and the architecture derived from their
 * shapes. Reads OpenAI's TorchScript {@code ViT-*.pt}, safetensors with OpenAI names, and Hugging Face
 * {@code CLIPModel} directories (or their {@code model.safetensors}); every file is checked completely (keys,
 * shapes, finite values) and any problem is reported as one {@link AdclipException} naming the file and the key
 * or byte offset. All arrays belong to this object's own manager, a sub-manager of the one given.
 */
public final class ClipWeights implements ClipParameters, AutoCloseable {

    private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};

    private final NDManager manager;
    private final ClipConfig config;
    private final Map<String, NDArray> tensors;
    private final Map<String, NDArray> owned;
    private final Set<String> released = ConcurrentHashMap.newKeySet();
    private final Path source;
    private final WeightsFormat format;

    private ClipWeights(NDManager manager, ClipConfig config, Map<String, NDArray> tensors, Path source,
            WeightsFormat format) {
        this.manager = manager;
        this.config = config;
        this.owned = Collections.synchronizedMap(new LinkedHashMap<>(tensors));
        this.tensors = Collections.unmodifiableMap(owned);
        this.source = source;
        this.format = format;
    }

    /**
     * Loads weights, detecting the format: a directory is a Hugging Face {@code CLIPModel}; a zip file is an
     * OpenAI TorchScript archive; a safetensors file has OpenAI names, or Hugging Face names (then its
     * {@code config.json} must lie beside it).
     *
     * @throws AdclipException for any unreadable, truncated, unrecognised or inconsistent input
     */
    public static ClipWeights load(Path path, NDManager parent) {
        if (!Files.exists(path)) {
            throw WeightsChecks.error(path, "no such file or directory");
        }
        if (Files.isDirectory(path)) {
            return loadHuggingFaceDirectory(path, parent);
        }
        byte[] head = new byte[16];
        int count = readHead(path, head);
        if (count == 0) {
            throw WeightsChecks.error(path, "empty file (0 bytes); the download did not complete, fetch it again");
        }
        if (count >= 4 && Arrays.equals(head, 0, 4, ZIP_MAGIC, 0, 4)) {
            return loadTorchScript(path, parent);
        }
        if (SafetensorsFile.looksLike(head, count)) {
            SafetensorsFile file = SafetensorsFile.open(path);
            if (hasHuggingFaceNames(file)) {
                return loadHuggingFace(path, file, path.resolveSibling("config.json"), parent);
            }
            return loadSafetensors(path, file, parent);
        }
        throw unrecognised(path, head, count);
    }

    /**
     * Random weights of the full architecture: normal(0, 0.02) for matrices and embeddings, zero biases, unit
     * layer-norm scales, {@code logit_scale} = ln(1/0.07). Deterministic for a seed (it seeds the engine's
     * global generator, so do not draw random numbers concurrently).
     */
    public static ClipWeights random(ClipConfig config, NDManager parent, long seed) {
        NDManager manager = parent.newSubManager();
        try {
            parent.getEngine().setRandomSeed(Long.hashCode(seed));
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            OpenAiLayout.expectedShapes(config).forEach((name, shape) -> {
                NDArray tensor = initial(manager, name, shape);
                tensor.setName(name);
                tensors.put(name, tensor);
            });
            return new ClipWeights(manager, config, tensors, null, WeightsFormat.RANDOM);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** The architecture, derived from the tensor shapes. */
    public ClipConfig config() {
        return config;
    }

    /**
     * The float32 tensor with this OpenAI name (for example {@code visual.conv1.weight}).
     *
     * @throws AdclipException when there is no such tensor
     */
    @Override
    public NDArray get(String openAiName) {
        NDArray tensor = tensors.get(openAiName);
        if (tensor == null && released.contains(openAiName)) {
            throw new AdclipException("'" + openAiName + "' was freed: the model that owns these weights no longer "
                    + "reads it (a compiled bf16 vision tower holds its own copy; text features already computed); "
                    + "load the weights again to use it");
        }
        if (tensor == null) {
            throw new AdclipException((source == null ? "random weights" : source.toString())
                    + ": no tensor named '" + openAiName + "' (a CLIP ViT has e.g. 'visual.conv1.weight')");
        }
        return tensor;
    }

    /**
     * Frees these tensors and forgets them ({@link #get} then says they were freed): for the one model that
     * owns these weights, once its compiled bf16 vision tower holds its own copy of them. Give a model
     * {@code weights::get} instead of the weights themselves when several models share them.
     */
    @Override
    public void release(Collection<String> names) {
        for (String name : names) {
            NDArray tensor = owned.remove(name);
            if (tensor != null) {
                released.add(name);
                tensor.close();
            }
        }
    }

    /** Every tensor by OpenAI name, in checkpoint order (without {@linkplain #release freed} ones); unmodifiable. */
    public Map<String, NDArray> tensors() {
        return tensors;
    }

    /** The file or directory read, or {@code null} for {@link #random random} weights. */
    public Path source() {
        return source;
    }

    /** The format read ({@link WeightsFormat#RANDOM} for {@link #random random} weights). */
    public WeightsFormat format() {
        return format;
    }

    /** Frees every tensor (closes this object's sub-manager). */
    @Override
    public void close() {
        manager.close();
    }

    private static ClipWeights loadTorchScript(Path path, NDManager parent) {
        NDManager manager = parent.newSubManager();
        try {
            Map<String, NDArray> all = TorchScriptReader.read(path, manager);
            Map<String, Shape> shapes = new LinkedHashMap<>();
            all.forEach((name, tensor) -> shapes.put(name, tensor.getShape()));
            ClipConfig config = ArchitectureInference.fromShapes(shapes, path.toString());
            Map<String, Shape> expected = OpenAiLayout.expectedShapes(config);
            WeightsChecks.keysAndShapes(path, shapes, expected, OpenAiLayout.KNOWN_EXTRAS::contains, config);
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            for (String name : expected.keySet()) {
                NDArray tensor = all.remove(name);
                WeightsChecks.finite(path, name, tensor);
                tensor.setName(name);
                tensors.put(name, tensor);
            }
            all.values().forEach(NDArray::close);
            return new ClipWeights(manager, config, tensors, path, WeightsFormat.OPENAI_TORCHSCRIPT);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private static ClipWeights loadSafetensors(Path path, SafetensorsFile file, NDManager parent) {
        Map<String, Shape> shapes = file.shapes();
        ClipConfig config = ArchitectureInference.fromShapes(shapes, path.toString());
        Map<String, Shape> expected = OpenAiLayout.expectedShapes(config);
        WeightsChecks.keysAndShapes(path, shapes, expected, OpenAiLayout.KNOWN_EXTRAS::contains, config);
        NDManager manager = parent.newSubManager();
        try {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            for (String name : expected.keySet()) {
                NDArray tensor = file.readFloat32(name, manager);
                tensor.setName(name);
                tensors.put(name, tensor);
                WeightsChecks.finite(path, name, tensor);
            }
            return new ClipWeights(manager, config, tensors, path, WeightsFormat.SAFETENSORS);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private static ClipWeights loadHuggingFaceDirectory(Path dir, NDManager parent) {
        Path model = dir.resolve("model.safetensors");
        if (!Files.isRegularFile(model)) {
            String hint = Files.exists(dir.resolve("model.safetensors.index.json"))
                    ? "sharded checkpoints are not supported, merge them into one model.safetensors"
                    : Files.exists(dir.resolve("pytorch_model.bin"))
                            ? "pytorch_model.bin is not supported, use the repository's model.safetensors"
                            : "a Hugging Face CLIPModel directory needs model.safetensors and config.json";
            throw WeightsChecks.error(dir, "no model.safetensors in this directory; " + hint);
        }
        SafetensorsFile file = SafetensorsFile.open(model);
        return loadHuggingFace(dir, file, dir.resolve("config.json"), parent);
    }

    private static ClipWeights loadHuggingFace(Path source, SafetensorsFile file, Path configJson,
            NDManager parent) {
        if (!Files.isRegularFile(configJson)) {
            throw WeightsChecks.error(file.path(), "has Hugging Face tensor names but there is no config.json"
                    + " beside it (" + configJson + "); put the model's config.json next to it");
        }
        NDManager manager = parent.newSubManager();
        try {
            HuggingFaceReader.Result result = HuggingFaceReader.read(file, configJson, manager);
            return new ClipWeights(manager, result.config(), result.tensors(), source, WeightsFormat.HUGGINGFACE);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private static boolean hasHuggingFaceNames(SafetensorsFile file) {
        return file.entries().keySet().stream()
                .anyMatch(k -> k.startsWith("vision_model.") || k.startsWith("text_model."));
    }

    private static NDArray initial(NDManager manager, String name, Shape shape) {
        if ("logit_scale".equals(name)) {
            return manager.full(shape, (float) Math.log(1 / 0.07), DataType.FLOAT32);
        }
        if (name.endsWith("bias")) {
            return manager.zeros(shape, DataType.FLOAT32);
        }
        if (OpenAiLayout.isLayerNormWeight(name)) {
            return manager.ones(shape, DataType.FLOAT32);
        }
        return manager.randomNormal(0f, 0.02f, shape, DataType.FLOAT32);
    }

    private static int readHead(Path path, byte[] head) {
        try (InputStream in = Files.newInputStream(path)) {
            return in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw WeightsChecks.error(path, "cannot read the file: " + e.getMessage(), e);
        }
    }

    private static AdclipException unrecognised(Path path, byte[] head, int count) {
        String first = HexFormat.ofDelimiter(" ").formatHex(head, 0, count);
        String pickle = (head[0] & 0xff) == 0x80
                ? " (it looks like a legacy torch.save pickle, which is not supported)" : "";
        return WeightsChecks.error(path, "not a CLIP weights file" + pickle + ": expected an OpenAI TorchScript"
                + " archive (.pt, a zip), a safetensors file or a Hugging Face CLIPModel directory; byte offset 0"
                + " starts with " + first + (count < head.length ? " and the file is only " + count + " bytes"
                        + " long (truncated?)" : ""));
    }
}
