package com.adclip.weights;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads OpenAI's TorchScript archives ({@code ViT-B-16.pt}, ...) with libtorch through DJL, after checking
 * that the zip container is complete (so that libtorch never sees a truncated file).
 */
final class TorchScriptReader {

    private TorchScriptReader() {}

    /** Every parameter of the archive, as float32 arrays owned by {@code manager}, by OpenAI name. */
    static Map<String, NDArray> read(Path path, NDManager manager) {
        checkArchive(path);
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        try (Model model = Model.newInstance("clip", Device.cpu(), "PyTorch")) {
            // mapLocation: load onto the CPU even if the archive was saved from CUDA tensors
            model.load(path, null, Map.of("mapLocation", "true"));
            for (Pair<String, Parameter> param : model.getBlock().getParameters()) {
                NDArray source = param.getValue().getArray();
                // a real copy: toType to the same dtype would alias the module's storage
                NDArray copy = source.getDataType() == DataType.FLOAT32
                        ? source.duplicate()
                        : source.toType(DataType.FLOAT32, false);
                copy.attach(manager);
                tensors.put(param.getKey(), copy);
            }
            return tensors;
        } catch (IOException | MalformedModelException | EngineException e) {
            tensors.values().forEach(NDArray::close);
            throw WeightsChecks.error(path, "libtorch cannot load this TorchScript archive (" + oneLine(e)
                    + "); the file is damaged or not an OpenAI CLIP .pt, download it again", e);
        } catch (RuntimeException e) {
            tensors.values().forEach(NDArray::close);
            throw e;
        }
    }

    /**
     * The zip must open (its central directory, at the very end, is present), and hold a TorchScript model:
     * {@code data.pkl} plus compiled {@code code/}.
     */
    static void checkArchive(Path path) {
        long size = size(path);
        boolean hasData = false;
        boolean hasCode = false;
        try (ZipFile zip = new ZipFile(path.toFile())) {
            for (Enumeration<? extends ZipEntry> it = zip.entries(); it.hasMoreElements(); ) {
                String name = it.nextElement().getName();
                hasData |= name.endsWith("/data.pkl") || name.equals("data.pkl");
                hasCode |= name.contains("/code/") || name.startsWith("code/");
            }
        } catch (ZipException e) {
            throw WeightsChecks.error(path, "truncated or corrupt file: the zip directory that must end a PyTorch"
                    + " archive is missing or damaged (the file ends at byte offset " + size + "; " + e.getMessage()
                    + "); download it again", e);
        } catch (IOException e) {
            throw WeightsChecks.error(path, "cannot read the file: " + e.getMessage(), e);
        }
        if (!hasData) {
            throw WeightsChecks.error(path, "a zip archive but not a PyTorch archive (no data.pkl entry)");
        }
        if (!hasCode) {
            throw WeightsChecks.error(path, "a PyTorch checkpoint saved with torch.save, not a TorchScript archive"
                    + " (no code/ entries); use OpenAI's released ViT-*.pt, or convert the weights to safetensors");
        }
    }

    private static long size(Path path) {
        try {
            return Files.size(path);
        } catch (IOException e) {
            throw WeightsChecks.error(path, "cannot read the file: " + e.getMessage(), e);
        }
    }

    private static String oneLine(Exception e) {
        String message = String.valueOf(e.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
