package com.adclip.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --out DIR} (also {@code --save_path}, the reference's name): the folder a command writes its results and
 * {@code config.yaml} into. Each command gives its own default by creating the mixin with it
 * ({@code @Mixin OutputFolder output = new OutputFolder("adclip-results")}): picocli keeps an existing mixin and
 * shows the field's initial value as the default.
 */
final class OutputFolder {
    @Option(names = {"--out", "--save_path"}, paramLabel = "DIR",
            description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    /** For picocli; commands use {@link #OutputFolder(String)}. */
    OutputFolder() {}

    OutputFolder(String defaultFolder) {
        this.out = Path.of(defaultFolder);
    }

    Path path() {
        return out;
    }
}
