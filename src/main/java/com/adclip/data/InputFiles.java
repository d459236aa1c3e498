package com.adclip.data;

import com.adclip.AdclipException;
import com.adclip.files.FileErrors;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Expands command-line inputs (files, directories searched recursively, quoted globs such as
 * {@code 'parts/**}{@code /*.png'}) into the list of files to process, each with a unique output name: what
 * {@code predict} and {@code reference} read.
 */
public final class InputFiles {
    private InputFiles() {}

    /**
     * One input file.
     *
     * @param path the file
     * @param given how the user named it (the file, or its path under a given directory)
     * @param outputName unique name for its outputs, without extension: the file's stem, or its relative path
     *     (with '/') when two inputs share a stem
     * @param error why the input cannot be processed (a folder that cannot be listed), else null
     */
    public record Input(Path path, String given, String outputName, String error) {
        Input(Path path, String given, String outputName) {
            this(path, given, outputName, null);
        }
    }

    /**
     * The files to process, then one failed input per folder that could not be listed (a bad input, reported
     * like a bad file, rather than the end of the run).
     */
    public static List<Input> expand(List<String> arguments) {
        return expand(arguments, new ArrayList<>());
    }

    /**
     * As {@link #expand(List)}; files found in folders or by globs whose name is not an image's (notes.txt, a
     * sidecar .json) are left out and added to {@code skipped}. A file named on its own is always an input.
     */
    public static List<Input> expand(List<String> arguments, List<Path> skipped) {
        List<Path[]> found = new ArrayList<>(); // {file, root it was found under}
        Map<Path, Input> unlisted = new LinkedHashMap<>();
        for (String argument : arguments) {
            Path path = Paths.get(argument);
            if (Files.isDirectory(path)) {
                images(walk(path, unlisted), skipped).forEach(file -> found.add(new Path[] {file, path}));
            } else if (Files.exists(path)) {
                found.add(new Path[] {path, path.toAbsolutePath().getParent()});
            } else if (isGlob(argument)) {
                List<Path> all = glob(argument, unlisted);
                List<Path> matches = images(all, skipped);
                if (all.isEmpty() && unlisted.isEmpty()) {
                    throw AdclipException.usage("no file matches " + argument, null);
                }
                matches.forEach(file -> found.add(new Path[] {file, globRoot(argument)}));
            } else {
                throw AdclipException.usage("input not found: " + argument, null);
            }
        }
        if (found.isEmpty() && unlisted.isEmpty()) {
            throw AdclipException.usage("no image files in " + String.join(" ", arguments) + (skipped.isEmpty() ? ""
                    : " (" + skipped.size() + " other file(s), e.g. " + skipped.get(0).getFileName() + ")"), null);
        }
        List<Input> inputs = new ArrayList<>(name(dedupe(found)));
        inputs.addAll(unlisted.values());
        return inputs;
    }

    private static List<Path> images(List<Path> files, List<Path> skipped) {
        List<Path> out = new ArrayList<>();
        for (Path file : files) {
            (ImageFiles.hasImageExtension(file) ? out : skipped).add(file);
        }
        return out;
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

    private static String stem(Path file) {
        return ImageFiles.stem(file);
    }

    /** A relative or absolute path without the extension of its last name. */
    private static String withoutExtension(String name) {
        int slash = name.lastIndexOf('/');
        int dot = name.lastIndexOf('.');
        return dot > slash + 1 ? name.substring(0, dot) : name;
    }

    /**
     * Regular, non-hidden files under {@code dir}, in a stable order; each folder (or entry) that cannot be read
     * goes to {@code unlisted} as a failed input, and the walk goes on.
     */
    private static List<Path> walk(Path dir, Map<Path, Input> unlisted) {
        List<Path> files = new ArrayList<>();
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    if (Files.isRegularFile(file) && !dir.relativize(file).toString().startsWith(".")
                            && !file.getFileName().toString().startsWith(".")) {
                        files.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    unreadable(file, e, unlisted);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path folder, IOException e) {
                    if (e != null) {
                        unreadable(folder, e, unlisted);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) { // the visitor goes on after every failure: only a bug gets here
            throw new AdclipException("cannot list " + dir + ": " + FileErrors.reason(e), e);
        }
        files.sort(Comparator.comparing(Path::toString));
        return files;
    }

    private static void unreadable(Path path, IOException e, Map<Path, Input> unlisted) {
        String what = Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS) ? "cannot list folder " : "cannot read ";
        String name = path.toString();
        unlisted.putIfAbsent(path.toAbsolutePath().normalize(),
                new Input(path, name, name, what + path + ": " + FileErrors.reason(e)));
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

    private static List<Path> glob(String pattern, Map<Path, Input> unlisted) {
        Path root = globRoot(pattern);
        Path base = root.toString().isEmpty() ? Paths.get(".") : root;
        if (!Files.isDirectory(base)) {
            return List.of();
        }
        String normalized = pattern.replace('\\', '/');
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + normalized);
        return walk(base, unlisted).stream()
                .filter(f -> matcher.matches(root.toString().isEmpty() ? base.relativize(f) : f))
                .toList();
    }
}
