package com.adclip.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.adclip.image.ImagePreprocessor;
import com.adclip.AdclipException;
import java.awt.Dimension;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Where a sample's ground-truth mask comes from: a mask file, or shapes from an annotation file rasterised in
 * memory at the size of their image.
 */
public sealed interface MaskSource permits MaskSource.File, MaskSource.Drawn {

    /**
     * The mask as an 8-bit grey {@code TYPE_BYTE_GRAY} image: a file as Pillow's {@code convert("L")} gives it
     * (the model treats every non-zero pixel as defect), drawn shapes as 255 inside and 0 outside.
     *
     * @throws com.adclip.AdclipException if a file (the mask, or for drawn shapes the image) cannot be read
     */
    BufferedImage toGray();

    /** The mask as the model's float32 [S,S] 0/1 target, resized as the reference resizes masks. */
    NDArray target(NDManager manager, ImagePreprocessor preprocessor);

    /** A mask image file (any non-zero pixel is defect). */
    record File(Path path) implements MaskSource {
        public File {
            Objects.requireNonNull(path, "path");
        }

        @Override
        public BufferedImage toGray() {
            return ImagePreprocessor.loadGray(path);
        }

        @Override
        public NDArray target(NDManager manager, ImagePreprocessor preprocessor) {
            return preprocessor.mask(manager, path);
        }

        /**
         * Refuses a mask whose size (once loaded, EXIF orientation applied) differs from its image's. The
         * reference would resize it to the model's input all the same, so a 17 × 9 mask on a 48 × 48 image is
         * stretched silently onto the wrong pixels. MVTec AD, VisA, MPDD and BTAD all ship masks at the size of
         * their images, so no resized mask is accepted, not even one with the same aspect ratio.
         *
         * @throws AdclipException naming both files and both sizes
         */
        public void requireSizeOf(Path image) {
            Dimension mask = ImagePreprocessor.loadedSize(path);
            Dimension picture = ImagePreprocessor.loadedSize(image);
            if (!mask.equals(picture)) {
                throw new AdclipException("mask " + path + " is " + mask.width + "x" + mask.height + " but its image "
                        + image + " is " + picture.width + "x" + picture.height
                        + ": a mask must have the size of its image");
            }
        }
    }

    /**
     * Boxes and polygons from an annotation file, rasterised at the size of {@code image} as loaded.
     *
     * @param image the annotated image (its header gives the mask's size)
     * @param shapes at least one shape
     * @param labels each shape's defect-type label from the annotation file, {@code ""} for none (then the
     *     shape has its image's type)
     * @param origin the annotation file and entry, for messages
     */
    record Drawn(Path image, List<MaskShape> shapes, List<String> labels, String origin) implements MaskSource {
        public Drawn {
            Objects.requireNonNull(image, "image");
            Objects.requireNonNull(origin, "origin");
            shapes = List.copyOf(shapes);
            labels = List.copyOf(labels);
            if (shapes.isEmpty()) {
                throw new IllegalArgumentException("a drawn mask needs at least one shape");
            }
            if (labels.size() != shapes.size()) {
                throw new IllegalArgumentException(labels.size() + " labels for " + shapes.size() + " shapes");
            }
        }

        /** Shapes without labels. */
        public Drawn(Path image, List<MaskShape> shapes, String origin) {
            this(image, shapes, java.util.Collections.nCopies(shapes.size(), ""), origin);
        }

        /** Whether any shape has a label. */
        public boolean labelled() {
            return labels.stream().anyMatch(l -> !l.isEmpty());
        }

        @Override
        public BufferedImage toGray() {
            Dimension size = ImagePreprocessor.loadedSize(image);
            return rasterise(size.width, size.height);
        }

        /** The shapes rasterised on a {@code width × height} canvas (see {@link MaskShape}). */
        public BufferedImage rasterise(int width, int height) {
            byte[] mask = new byte[width * height];
            for (MaskShape shape : shapes) {
                shape.fill(mask, width, height);
            }
            BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
            out.getRaster().setDataElements(0, 0, width, height, mask);
            return out;
        }

        @Override
        public NDArray target(NDManager manager, ImagePreprocessor preprocessor) {
            return preprocessor.mask(manager, toGray());
        }
    }
}
