package com.adclip.serve;

import com.adclip.image.DecodeBudget;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Optional;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * What an upload really is, from its first bytes (never from its name or declared type), and its size in
 * pixels from its header, before anything is decoded.
 */
final class ImageSniffer {
    /** Formats the station accepts, by their file signatures. */
    enum Format {
        PNG("png"), JPEG("jpg"), GIF("gif"), BMP("bmp"), TIFF("tif"), WEBP("webp");

        final String extension;

        Format(String extension) {
            this.extension = extension;
        }
    }

    private ImageSniffer() {}

    /** The format whose signature starts {@code bytes}, if any. */
    static Optional<Format> sniff(byte[] bytes) {
        if (starts(bytes, 0, (byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G', (byte) 0x0D, (byte) 0x0A, (byte) 0x1A,
                (byte) 0x0A)) {
            return Optional.of(Format.PNG);
        }
        if (starts(bytes, 0, (byte) 0xFF, (byte) 0xD8, (byte) 0xFF)) {
            return Optional.of(Format.JPEG);
        }
        if (ascii(bytes, 0, "GIF87a") || ascii(bytes, 0, "GIF89a")) {
            return Optional.of(Format.GIF);
        }
        if (ascii(bytes, 0, "BM") && bytes.length >= 26) {
            return Optional.of(Format.BMP);
        }
        if (starts(bytes, 0, (byte) 'I', (byte) 'I', (byte) 42, (byte) 0)
                || starts(bytes, 0, (byte) 'M', (byte) 'M', (byte) 0, (byte) 42)) {
            return Optional.of(Format.TIFF);
        }
        if (ascii(bytes, 0, "RIFF") && ascii(bytes, 8, "WEBP")) {
            return Optional.of(Format.WEBP);
        }
        return Optional.empty();
    }

    /**
     * The image's width, height, channels and bits per sample from its header.
     *
     * @throws Inspector.ImageRejectedException if no reader understands the header
     */
    static DecodeBudget.Size size(byte[] bytes) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new Inspector.ImageRejectedException("the image header cannot be read");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return DecodeBudget.of(reader);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof Inspector.ImageRejectedException rejected) {
                throw rejected;
            }
            throw new Inspector.ImageRejectedException("the image header cannot be read: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
    }

    private static boolean starts(byte[] bytes, int at, byte... prefix) {
        return bytes.length >= at + prefix.length
                && Arrays.equals(bytes, at, at + prefix.length, prefix, 0, prefix.length);
    }

    private static boolean ascii(byte[] bytes, int at, String text) {
        return starts(bytes, at, text.getBytes(StandardCharsets.US_ASCII));
    }
}
