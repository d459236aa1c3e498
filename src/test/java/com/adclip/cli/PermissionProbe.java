package com.adclip.cli;

import com.adclip.AdclipException;
import com.adclip.data.InputFiles;
import com.adclip.image.ImagePreprocessor;
import java.util.List;
import java.util.stream.Collectors;

/** What {@code predict} makes of inputs it may not read, run as a user whom permission bits stop. */
final class PermissionProbe {
    private PermissionProbe() {}

    public static void main(String[] args) {
        System.out.println(run(args));
    }

    /** {@code list DIR}: the expanded inputs, one per line; {@code read IMAGE}: the error of loading it. */
    static String run(String... args) {
        if (args[0].equals("list")) {
            return InputFiles.expand(List.of(args[1])).stream()
                    .map(input -> input.path() + " | " + input.error())
                    .collect(Collectors.joining("\n"));
        }
        try {
            ImagePreprocessor.loadGray(java.nio.file.Paths.get(args[1]));
            return "read";
        } catch (AdclipException e) {
            return e.getMessage();
        }
    }
}
