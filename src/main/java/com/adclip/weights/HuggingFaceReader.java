package com.adclip.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.adclip.clip.ClipConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads a Hugging Face {@code CLIPModel} ({@code model.safetensors} + {@code config.json}) under OpenAI names. */
final class HuggingFaceReader {

    /** The derived architecture and the tensors, by OpenAI name, in {@link OpenAiLayout} order. */
    record Result(ClipConfig config, Map<String, NDArray> tensors) {}

    private HuggingFaceReader() {}

    static Result read(SafetensorsFile file, Path configJson, NDManager manager) {
        Path path = file.path();
        Map<String, Shape> hfShapes = file.shapes();
        ClipConfig config = deriveConfig(path, hfShapes);
        Map<String, Shape> expectedHf = new LinkedHashMap<>();
        Map<String, Shape> expected = OpenAiLayout.expectedShapes(config);
        expected.forEach((name, shape) -> {
            for (HuggingFaceNames.Source source : HuggingFaceNames.fromOpenAi(name)) {
                expectedHf.put(source.hfName(), hfShape(source.part(), shape));
            }
        });
        WeightsChecks.keysAndShapes(path, hfShapes, expectedHf, HuggingFaceNames::ignorable, config);
        HuggingFaceConfig.check(configJson, path, config);

        Map<String, NDArray> tensors = new LinkedHashMap<>();
        try {
            for (String name : expected.keySet()) {
                NDArray tensor = assemble(file, HuggingFaceNames.fromOpenAi(name), manager);
                tensor.setName(name);
                tensors.put(name, tensor);
            }
            return new Result(config, tensors);
        } catch (RuntimeException e) {
            tensors.values().forEach(NDArray::close);
            throw e;
        }
    }

    /** Maps the HF shapes to OpenAI names and shapes (no data), then derives as for OpenAI checkpoints. */
    private static ClipConfig deriveConfig(Path path, Map<String, Shape> hfShapes) {
        Map<String, Shape> openAi = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> e : hfShapes.entrySet()) {
            if (HuggingFaceNames.ignorable(e.getKey())) {
                continue;
            }
            HuggingFaceNames.Source source = HuggingFaceNames.toOpenAi(e.getKey()).orElseThrow(() ->
                    WeightsChecks.error(path, "unexpected key '" + e.getKey() + "', not part of a Hugging Face"
                            + " CLIPModel; only plain CLIP ViT checkpoints are supported"));
            openAi.putIfAbsent(source.openAiName(), openAiShape(source.part(), e.getValue()));
        }
        for (String key : ArchitectureInference.DEFINING_KEYS) {
            String hfKey = HuggingFaceNames.fromOpenAi(key).get(0).hfName();
            if (!hfShapes.containsKey(hfKey)) {
                throw WeightsChecks.error(path, "missing key '" + hfKey + "', needed to derive the architecture;"
                        + " is this a complete Hugging Face CLIPModel?");
            }
        }
        return ArchitectureInference.fromShapes(openAi, path.toString());
    }

    private static Shape openAiShape(HuggingFaceNames.Part part, Shape hf) {
        switch (part) {
            case TRANSPOSED:
                return hf.dimension() == 2 ? new Shape(hf.get(1), hf.get(0)) : hf;
            case Q:
            case K:
            case V:
                long[] dims = hf.getShape().clone();
                if (dims.length > 0) {
                    dims[0] *= 3;
                }
                return new Shape(dims);
            default:
                return hf;
        }
    }

    private static Shape hfShape(HuggingFaceNames.Part part, Shape openAi) {
        switch (part) {
            case TRANSPOSED:
                return new Shape(openAi.get(1), openAi.get(0));
            case Q:
            case K:
            case V:
                long[] dims = openAi.getShape().clone();
                dims[0] /= 3;
                return new Shape(dims);
            default:
                return openAi;
        }
    }

    private static NDArray assemble(SafetensorsFile file, List<HuggingFaceNames.Source> sources,
            NDManager manager) {
        List<NDArray> parts = new ArrayList<>(sources.size());
        try {
            for (HuggingFaceNames.Source source : sources) {
                NDArray part = file.readFloat32(source.hfName(), manager);
                parts.add(part);
                WeightsChecks.finite(file.path(), source.hfName(), part);
            }
            HuggingFaceNames.Part kind = sources.get(0).part();
            if (kind == HuggingFaceNames.Part.WHOLE) {
                return parts.remove(0);
            }
            if (kind == HuggingFaceNames.Part.TRANSPOSED) {
                return contiguousTranspose(parts.get(0));
            }
            return NDArrays.concat(new NDList(parts), 0);
        } finally {
            parts.forEach(NDArray::close);
        }
    }

    /** A transposed copy laid out contiguously (flatten copies a non-contiguous view). */
    private static NDArray contiguousTranspose(NDArray matrix) {
        try (NDArray view = matrix.transpose(); NDArray flat = view.flatten()) {
            return flat.reshape(view.getShape());
        }
    }
}
