package com.adclip.anomaly;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import com.adclip.AdclipException;
import com.adclip.anomaly.DefectRegions.Region;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.awt.image.DataBufferInt;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Writes anomaly maps for people and tools: the raw map as a NumPy {@code .npy} file, the defect mask as a
 * black-and-white PNG, and a heat-map overlay of the map on the image with the defect regions boxed.
 *
 * <p>The overlay is the reference's {@code apply_ad_scoremap}: the map normalised by (min, max), scaled to
 * 8 bits by truncation, coloured with OpenCV's {@code COLORMAP_JET}, and averaged with the image
 * ({@code uint8(0.5 * image + 0.5 * colour)}). Images are handled with java.awt; run headless on servers.
 */
public final class MapExport {
    /** The colour of region boxes and their number labels: white, which JET never produces. */
    public static final Color BOX_COLOR = Color.WHITE;
    /** Region boxes are drawn this many pixels wide, inside the region's bounding box. */
    public static final int BOX_LINE = 2;
    /** The JDK PNG writer maps quality q to deflate level 9·(1−q): 0.9 is level 1, 4× faster than the default. */
    private static final float FAST_PNG_QUALITY = 0.9f;

    private static final byte[] NPY_MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
    private static final int NPY_ALIGN = 64;

    private MapExport() {}

    /**
     * Writes row-major float32 values as a NumPy {@code .npy} file (format 1.0, {@code '<f4'}, C order),
     * readable with {@code numpy.load}.
     *
     * @param shape the array's dimensions; their product must equal {@code data.length}
     */
    public static void writeNpy(Path file, float[] data, long... shape) {
        long size = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            }
            size *= d;
        }
        if (size != data.length) {
            throw new IllegalArgumentException(data.length + " values do not fill shape " + Arrays.toString(shape));
        }
        byte[] header = npyHeader(shape);
        ByteBuffer body = ByteBuffer.allocate(Math.multiplyExact(data.length, Float.BYTES))
                .order(ByteOrder.LITTLE_ENDIAN);
        body.asFloatBuffer().put(data);
        write(file, "NumPy map", out -> {
            out.write(header);
            out.write(body.array());
        });
    }

    /** Writes a float32 NDArray (any shape, usually a map {@code [H, W]}) as a {@code .npy} file. */
    public static void writeNpy(Path file, NDArray map) {
        if (map.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("expected a float32 map, got " + map.getDataType());
        }
        writeNpy(file, map.toFloatArray(), map.getShape().getShape());
    }

    /** The .npy 1.0 preamble: magic, version, header length, and the header dict padded to 64 bytes. */
    static byte[] npyHeader(long... shape) {
        String dims = Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", "));
        if (shape.length == 1) {
            dims += ",";
        }
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
        int prefix = NPY_MAGIC.length + 2;
        int unpadded = prefix + dict.length() + 1;
        int padded = (unpadded + NPY_ALIGN - 1) / NPY_ALIGN * NPY_ALIGN;
        String text = dict + " ".repeat(padded - unpadded) + "\n";
        ByteBuffer header = ByteBuffer.allocate(padded).order(ByteOrder.LITTLE_ENDIAN);
        header.put(NPY_MAGIC).putShort((short) text.length()).put(text.getBytes(StandardCharsets.US_ASCII));
        return header.array();
    }

    /** Writes a row-major {@code height × width} mask as an 8-bit gray PNG: 255 where true, 0 elsewhere. */
    public static void writeMaskPng(Path file, boolean[] mask, int height, int width) {
        checkSize(mask.length, height, width);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster raster = image.getRaster();
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                row[x] = mask[y * width + x] ? 255 : 0;
            }
            raster.setSamples(0, y, width, 1, 0, row);
        }
        writePng(file, image);
    }

    /** Writes the mask of {@code regions} as an 8-bit gray PNG, 255 inside regions and 0 elsewhere. */
    public static void writeMaskPng(Path file, DefectRegions regions) {
        writeMaskPng(file, regions.mask(), regions.height(), regions.width());
    }

    /**
     * The heat-map overlay: each pixel is {@code uint8(0.5 * image + 0.5 * jet(map))}, the map normalised by
     * {@code (min, max)} as the reference does; then each region's box ({@link #BOX_LINE} pixels wide, in
     * {@link #BOX_COLOR}) and its number: 1, 2, 3 in the order of {@code regions}, in a font scaled to the image
     * ({@link #labelFontSize}).
     *
     * @param image the original image (any type; read as sRGB)
     * @param map row-major scores of the same size as the image (see {@link MapResize})
     * @param min the score shown as dark blue; lower scores too
     * @param max the score shown as dark red; higher scores too
     * @param regions boxes in image pixels, e.g. {@link DefectRegions#regions()} of the resized map
     * @return a new RGB image of the image's size
     */
    public static BufferedImage overlay(BufferedImage image, float[] map, float min, float max, List<Region> regions) {
        int width = image.getWidth();
        int height = image.getHeight();
        checkSize(map.length, height, width);
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] rgb = image.getType() == BufferedImage.TYPE_INT_RGB
                ? ((DataBufferInt) image.getRaster().getDataBuffer()).getData().clone()
                : image.getRGB(0, 0, width, height, null, 0, width);
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = blend(rgb[i], JetColormap.rgb(JetColormap.index(map[i], min, max)));
        }
        System.arraycopy(rgb, 0, ((DataBufferInt) out.getRaster().getDataBuffer()).getData(), 0, rgb.length);
        drawBoxes(out, regions);
        return out;
    }

    /** The overlay's colour of a map value: OpenCV's JET of {@code value} normalised by {@code (min, max)}, as RGB. */
    public static int jetRgb(float value, float min, float max) {
        return JetColormap.rgb(JetColormap.index(value, min, max));
    }

    /** Writes an image as PNG. */
    public static void writePng(Path file, BufferedImage image) {
        write(file, "PNG image", out -> encodePng(image, out));
    }

    /**
     * An image as PNG bytes, at the same fast deflate level as {@link #writePng} (the station's overlays: the same
     * pixels as the default level; on a noisy 1280×960 overlay 127 instead of 147 ms of CPU, the JDK writer's
     * adaptive row filtering taking most of the rest).
     */
    public static byte[] pngBytes(BufferedImage image) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try {
            encodePng(image, bytes);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void encodePng(BufferedImage image, OutputStream out) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(FAST_PNG_QUALITY);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
    }

    /** Channel-wise {@code floor(0.5 * a + 0.5 * b)}: the reference's float blend, truncated to uint8. */
    private static int blend(int a, int b) {
        int r = (((a >> 16) & 0xFF) + ((b >> 16) & 0xFF)) >> 1;
        int g = (((a >> 8) & 0xFF) + ((b >> 8) & 0xFF)) >> 1;
        int bl = ((a & 0xFF) + (b & 0xFF)) >> 1;
        return r << 16 | g << 8 | bl;
    }

    private static void drawBoxes(BufferedImage out, List<Region> regions) {
        if (regions.isEmpty()) {
            return;
        }
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_OFF);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, labelFontSize(out.getWidth(), out.getHeight())));
            FontMetrics metrics = g.getFontMetrics();
            List<String> labels = regionLabels(regions.size());
            for (int i = 0; i < regions.size(); i++) {
                Region r = regions.get(i);
                g.setColor(BOX_COLOR);
                g.fillRect(r.x(), r.y(), r.width(), Math.min(BOX_LINE, r.height()));
                g.fillRect(r.x(), r.y() + r.height() - BOX_LINE, r.width(), Math.min(BOX_LINE, r.height()));
                g.fillRect(r.x(), r.y(), Math.min(BOX_LINE, r.width()), r.height());
                g.fillRect(r.x() + r.width() - BOX_LINE, r.y(), Math.min(BOX_LINE, r.width()), r.height());
                drawLabel(g, metrics, r, labels.get(i) + typeLabel(r));
            }
        } finally {
            g.dispose();
        }
    }

    /**
     * The labels of {@code count} regions: 1, 2, 3... An operator reads "region 2", not a map value, and a digit
     * covers little of a small image.
     */
    public static List<String> regionLabels(int count) {
        return java.util.stream.IntStream.rangeClosed(1, count).mapToObj(Integer::toString).toList();
    }

    /**
     * A typed region's label after its number: its most probable defect type and that probability in percent
     * ({@code " scratch 87%"}); empty for a region without types.
     */
    public static String typeLabel(Region r) {
        if (r.types() == null) {
            return "";
        }
        return " " + r.types().top() + " " + Math.round(100 * r.types().topProbability()) + "%";
    }

    /** The labels' font size in pixels: 1/24 of the image's shorter side, between 8 and 40. */
    public static int labelFontSize(int width, int height) {
        return Math.max(8, Math.min(40, Math.round(Math.min(width, height) / 24f)));
    }

    /** The label above the box's top-left corner, or just inside it when the box touches the top edge. */
    private static void drawLabel(Graphics2D g, FontMetrics metrics, Region r, String label) {
        int textHeight = metrics.getAscent() + metrics.getDescent();
        int top = r.y() >= textHeight ? r.y() - textHeight : r.y() + BOX_LINE;
        int left = r.y() >= textHeight ? r.x() : r.x() + BOX_LINE;
        g.setColor(Color.BLACK);
        g.fillRect(left, top, metrics.stringWidth(label) + 2, textHeight);
        g.setColor(BOX_COLOR);
        g.drawString(label, left + 1, top + metrics.getAscent());
    }

    private static void checkSize(int length, int height, int width) {
        if (height <= 0 || width <= 0 || (long) height * width != length) {
            throw new IllegalArgumentException(length + " values do not make a " + height + " x " + width + " map");
        }
    }

    private interface Writer {
        void to(OutputStream out) throws IOException;
    }

    private static void write(Path file, String what, Writer writer) {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
            writer.to(out);
        } catch (IOException e) {
            throw new AdclipException("cannot write " + what + " to " + file + ": " + e.getMessage()
                    + " (check that the folder exists and is writable)", e);
        }
    }
}
