package com.adclip.cli;

import com.adclip.AdclipException;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Expands command-line inputs (files, directories searched recursively, quoted globs such as
 * {@code 'parts/**}{@code /*.png'}) into the list of files to process, each with a unique output name.
 */
final class InputFiles {
    private InputFiles() {}

    /**
     * One input file.
     *
     * @param path the file
     * @param given how the user named it (the file, or its path under a given directory)
     * @param outputName unique name for its outputs, without extension: the file's stem, or its relative path
     *     (with '/') when two inputs share a stem
     */
    record Input(Path path, String given, String outputName) {}

    static List<Input> expand(List<String> arguments) {
        List<Path[]> found = new ArrayList<>(); // {file, root it was found under}
        for (String argument : arguments) {
            Path path = Paths.get(argument);
            if (Files.isDirectory(path)) {
                walk(path).forEach(file -> found.add(new Path[] {file, path}));
            } else if (Files.exists(path)) {
                found.add(new Path[] {path, path.toAbsolutePath().getParent()});
            } else if (isGlob(argument)) {
                List<Path> matches = glob(argument);
                if (matches.isEmpty()) {
                    throw AdclipException.usage("no file matches " + argument, null);
                }
                matches.forEach(file -> found.add(new Path[] {file, globRoot(argument)}));
            } else {
                throw AdclipException.usage("input not found: " + argument, null);
            }
        }
        if (found.isEmpty()) {
            throw AdclipException.usage("no input files in " + String.join(" ", arguments), null);
        }
        return name(dedupe(found));
    }

    private static List<Path[]> dedupe(List<Path[]> found) {
        Map<Path, Path[]> unique = new LinkedHashMap<>();
        for (Path[] entry : found) {
            unique.putIfAbsent(entry[0].toAbsolutePath().normalize(), entry);
        }
        return new ArrayList<>(unique.values());
    }

    private static List<Input> name(List<Path[]> files) {
        Map<String, Integer> stems = new HashMap<>();
        for (Path[] file : files) {
            stems.merge(stem(file[0]), 1, Integer::sum);
        }
        List<Input> inputs = new ArrayList<>();
        for (Path[] file : files) {
            String stem = stem(file[0]);
            String relative = relative(file[0], file[1]);
            String output = stems.get(stem) == 1 ? stem : withoutExtension(relative);
            inputs.add(new Input(file[0], file[0].toString(), output));
        }
        long distinct = inputs.stream().map(Input::outputName).distinct().count();
        if (distinct < inputs.size()) { // same relative path under two roots: fall back to full paths
            List<Input> full = new ArrayList<>();
            for (Input input : inputs) {
                String absolute = withoutExtension(input.path().toAbsolutePath().normalize().toString()).substring(1);
                full.add(new Input(input.path(), input.given(), absolute));
            }
            return full;
        }
        return inputs;
    }

    private static String relative(Path file, Path root) {
        Path abs = file.toAbsolutePath().normalize();
        Path base = root == null ? null : root.toAbsolutePath().normalize();
        Path rel = base != null && abs.startsWith(base) && !abs.equals(base) ? base.relativize(abs) : abs.getFileName();
        return rel.toString().replace('\\', '/');
    }

    static String stem(Path file) {
        return withoutExtension(file.getFileName().toString());
    }

    private static String withoutExtension(String name) {
        int slash = name.lastIndexOf('/');
        int dot = name.lastIndexOf('.');
        return dot > slash + 1 ? name.substring(0, dot) : name;
    }

    /** Regular, non-hidden files under {@code dir}, in a stable order. */
    private static List<Path> walk(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> !dir.relativize(f).toString().startsWith(".") && !f.getFileName().toString().startsWith("."))
                    .sorted(Comparator.comparing(Path::toString))
                    .toList();
        } catch (IOException e) {
            throw new AdclipException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    private static boolean isGlob(String argument) {
        return argument.contains("*") || argument.contains("?") || argument.contains("[") || argument.contains("{");
    }

    private static Path globRoot(String pattern) {
        String normalized = pattern.replace('\\', '/');
        int firstMeta = firstMeta(normalized);
        int slash = normalized.lastIndexOf('/', firstMeta);
        return slash < 0 ? Paths.get("") : Paths.get(normalized.substring(0, slash == 0 ? 1 : slash));
    }

    private static int firstMeta(String s) {
        int best = s.length();
        for (char c : new char[] {'*', '?', '[', '{'}) {
            int i = s.indexOf(c);
            if (i >= 0) {
                best = Math.min(best, i);
            }
        }
        return best;
    }

    private static List<Path> glob(String pattern) {
        Path root = globRoot(pattern);
        Path base = root.toString().isEmpty() ? Paths.get(".") : root;
        if (!Files.isDirectory(base)) {
            return List.of();
        }
        String normalized = pattern.replace('\\', '/');
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + normalized);
        return walk(base).stream()
                .filter(f -> matcher.matches(root.toString().isEmpty() ? base.relativize(f) : f))
                .toList();
    }

    /** Extensions of files the decoders read (others in a folder become error rows, not silent skips). */
    static boolean looksLikeImage(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.matches(".*\\.(png|jpe?g|bmp|tiff?|webp|gif)$");
    }
}
