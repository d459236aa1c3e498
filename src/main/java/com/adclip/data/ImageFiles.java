package com.adclip.data;

import com.adclip.AdclipException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/** Listing image files and folders the way every folder layout does; file stems for every command. */
public final class ImageFiles {

    /** Image file extensions we read (lower case). */
    static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "tif", "tiff", "webp", "gif");

    private ImageFiles() {}

    /** Whether the file's name ends in an image extension we read (png, jpg, jpeg, bmp, tif, tiff, webp, gif). */
    public static boolean hasImageExtension(Path file) {
        return EXTENSIONS.contains(extension(file));
    }

    static String extension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    /** The file name without its extension ({@code .hidden} stays whole). */
    public static String stem(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    private static boolean hidden(Path p) {
        return p.getFileName().toString().startsWith(".");
    }

    /** An image file that is not a {@code *_mask} file beside its image. */
    static boolean isImage(Path file) {
        return Files.isRegularFile(file) && !hidden(file) && EXTENSIONS.contains(extension(file))
                && !stem(file).endsWith("_mask");
    }

    /** The images directly in {@code dir}, sorted by name. */
    static List<Path> images(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(ImageFiles::isImage).sorted().toList();
        } catch (IOException e) {
            throw new AdclipException("cannot list folder " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The non-hidden sub-folders of {@code dir}, sorted by name. */
    static List<Path> folders(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> Files.isDirectory(p) && !hidden(p)).sorted().toList();
        } catch (IOException e) {
            throw new AdclipException("cannot list folder " + dir + ": " + e.getMessage(), e);
        }
    }

    /** {@code file} relative to {@code root} with {@code /} separators. */
    static String relative(Path root, Path file) {
        return root.relativize(file).toString().replace(java.io.File.separatorChar, '/');
    }
}
