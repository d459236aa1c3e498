package com.adclip.cli;

import com.adclip.AdclipException;
import com.adclip.Detector;
import com.adclip.clip.Precision;
import com.adclip.export.DetectorGraph;
import com.adclip.export.Sidecar;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code adclip export}: a detector as one self-contained TorchScript graph plus a sidecar JSON. */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = {
            "Write a detector as one TorchScript graph: normalised image tensor [B, 3, S, S] -> (image score [B], "
                    + "anomaly map [B, S, S]), prompts baked in; runs with torch.jit.load, without AD-CLIP.",
            "Also writes FILE.json with the preprocessing it expects, its outputs and the thresholds."
        })
final class ExportCommand implements Callable<Integer> {
    @Mixin DetectorOptions detectorOptions;
    @Mixin ModelOptions modelOptions;

    @Option(names = "--format", paramLabel = "torchscript", defaultValue = "torchscript",
            description = "Graph format (default: ${DEFAULT-VALUE}; the only one).")
    String format;

    @Option(names = "--out", paramLabel = "FILE", required = true,
            description = "The graph file to write (e.g. detector.pt); FILE.json is written next to it.")
    Path out;

    @Option(names = "--portable",
            description = "Attention as matmul/softmax/matmul instead of torch.scaled_dot_product_attention, so that "
                    + "PyTorch before 2.0 loads the graph too (slower).")
    boolean portable;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (!format.equalsIgnoreCase("torchscript")) {
            throw AdclipException.usage("--format " + format + " is not supported; use torchscript", null);
        }
        Precision precision = modelOptions.precision();
        if (precision == Precision.EAGER) {
            throw AdclipException.usage("--precision eager has no graph; use fp32 or bf16", null);
        }
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (Detector detector = detectorOptions.builder(modelOptions).build()) {
            Detector.ExportParts parts = detector.exportParts();
            Path tmp = out.resolveSibling(out.getFileName() + ".partial");
            DetectorGraph.write(tmp, parts.clip(), parts.detector(), precision, !portable);
            Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Path sidecar = out.resolveSibling(out.getFileName() + ".json");
            Sidecar.write(sidecar, out, detector.config(), detector.preprocessor().config(),
                    detector.storedThresholds(), precision, detector.weightsFile().getFileName().toString());
            spec.commandLine().getOut().printf("wrote %s (%s, %.1f MB) and %s%n", out, precision.label(),
                    Files.size(out) / 1e6, sidecar);
        }
        return 0;
    }
}
