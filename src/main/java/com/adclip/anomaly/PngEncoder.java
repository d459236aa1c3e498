package com.adclip.anomaly;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.SinglePixelPackedSampleModel;
import java.awt.image.ComponentSampleModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.Adler32;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A PNG writer for the two kinds of picture predict writes per image, 8-bit RGB (the overlay) and 8-bit gray (the
 * mask), several times faster than the JDK's: one fixed filter per row instead of trying all five (Sub for RGB,
 * None for gray), deflate level 1, and the rows cut into bands that are compressed at the same time on
 * {@link #BANDS} threads, pigz's way. Each band is raw deflate ending on a byte boundary ({@code SYNC_FLUSH}), the
 * last one finished; together they make one zlib stream (one header, one Adler-32 over all rows), so any PNG
 * decoder reads the file as usual. Pixels decode exactly as written; only the compressed bytes differ from the
 * JDK writer's.
 */
final class PngEncoder {
    /** Bands compressed at once: the machine's cores, at most 4 (beyond that the file grows for little gain). */
    static final int BANDS = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final int FILTER_NONE = 0;
    private static final int FILTER_SUB = 1;
    /** zlib header: deflate, 32 KiB window, "fastest" level, no dictionary (a multiple of 31). */
    private static final byte[] ZLIB_HEADER = {0x78, 0x01};
    private static final String THREAD_NAME = "adclip-png";
    private static final ExecutorService POOL = Executors.newFixedThreadPool(Math.max(1, BANDS - 1), task -> {
        Thread thread = new Thread(task, THREAD_NAME);
        thread.setDaemon(true);
        return thread;
    });

    private PngEncoder() {}

    /** Whether {@link #write} takes this image as it is (8-bit RGB in ints, or 8-bit gray in bytes). */
    static boolean supports(BufferedImage image) {
        return switch (image.getType()) {
            case BufferedImage.TYPE_INT_RGB -> image.getRaster().getSampleModel() instanceof SinglePixelPackedSampleModel
                    && image.getRaster().getDataBuffer() instanceof DataBufferInt;
            case BufferedImage.TYPE_BYTE_GRAY -> image.getRaster().getSampleModel() instanceof ComponentSampleModel
                    && image.getRaster().getDataBuffer() instanceof DataBufferByte;
            default -> false;
        };
    }

    /** Writes {@code image} ({@link #supports} must hold) as PNG to {@code out}, compressing in {@code bands} bands. */
    static void write(BufferedImage image, OutputStream out, int bands) throws IOException {
        if (!supports(image)) {
            throw new IllegalArgumentException("not an 8-bit RGB or gray image: type " + image.getType());
        }
        Rows rows = Rows.of(image);
        int count = Math.max(1, Math.min(bands, rows.height));
        List<Future<byte[]>> later = new ArrayList<>();
        byte[][] filtered = new byte[count][];
        byte[][] deflated = new byte[count][];
        // a band task never waits, and a band thread never forks: the pool cannot deadlock
        boolean forked = count > 1 && !Thread.currentThread().getName().startsWith(THREAD_NAME);
        if (forked) {
            for (int b = 1; b < count; b++) {
                int band = b;
                later.add(POOL.submit(() -> compress(rows, band, count, filtered)));
            }
        }
        for (int b = 0; b < (forked ? 1 : count); b++) {
            deflated[b] = compress(rows, b, count, filtered);
        }
        for (int b = 1; b < count && forked; b++) {
            deflated[b] = await(later.get(b - 1));
        }
        Adler32 adler = new Adler32();
        for (byte[] f : filtered) {
            adler.update(f);
        }
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        idat.write(ZLIB_HEADER);
        for (byte[] d : deflated) {
            idat.write(d);
        }
        idat.write(ByteBuffer.allocate(4).putInt((int) adler.getValue()).array());
        out.write(SIGNATURE);
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(rows.width).putInt(rows.height)
                .put((byte) 8).put((byte) (rows.channels == 3 ? 2 : 0)).put((byte) 0).put((byte) 0).put((byte) 0)
                .array());
        chunk(out, "IDAT", idat.toByteArray());
        chunk(out, "IEND", new byte[0]);
    }

    /** Filters the rows of band {@code band} of {@code count} into {@code filtered[band]} and deflates them. */
    private static byte[] compress(Rows rows, int band, int count, byte[][] filtered) {
        int first = (int) ((long) rows.height * band / count);
        int last = (int) ((long) rows.height * (band + 1) / count);
        int stride = 1 + rows.width * rows.channels;
        byte[] data = new byte[(last - first) * stride];
        for (int y = first; y < last; y++) {
            rows.filter(y, data, (y - first) * stride);
        }
        filtered[band] = data;
        Deflater deflater = new Deflater(Deflater.BEST_SPEED, true);
        try {
            deflater.setInput(data);
            boolean lastBand = band == count - 1;
            if (lastBand) {
                deflater.finish();
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 2 + 64);
            byte[] buffer = new byte[64 * 1024];
            while (true) {
                int n = lastBand ? deflater.deflate(buffer)
                        : deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH);
                out.write(buffer, 0, n);
                if (lastBand ? deflater.finished() : n < buffer.length && deflater.needsInput()) {
                    break;
                }
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    /** A picture's rows as PNG scanlines: filter byte, then samples (R, G, B or gray). */
    private record Rows(int width, int height, int channels, int[] rgb, int rgbOffset, int rgbStride, byte[] gray,
            int grayOffset, int grayStride) {
        static Rows of(BufferedImage image) {
            int w = image.getWidth();
            int h = image.getHeight();
            if (image.getType() == BufferedImage.TYPE_INT_RGB) {
                SinglePixelPackedSampleModel model = (SinglePixelPackedSampleModel) image.getRaster().getSampleModel();
                DataBufferInt buffer = (DataBufferInt) image.getRaster().getDataBuffer();
                int x0 = -image.getRaster().getSampleModelTranslateX();
                int y0 = -image.getRaster().getSampleModelTranslateY();
                int stride = model.getScanlineStride();
                return new Rows(w, h, 3, buffer.getData(), buffer.getOffset() + y0 * stride + x0, stride, null, 0, 0);
            }
            ComponentSampleModel model = (ComponentSampleModel) image.getRaster().getSampleModel();
            DataBufferByte buffer = (DataBufferByte) image.getRaster().getDataBuffer();
            int x0 = -image.getRaster().getSampleModelTranslateX();
            int y0 = -image.getRaster().getSampleModelTranslateY();
            int stride = model.getScanlineStride();
            int pixelStride = model.getPixelStride();
            if (pixelStride != 1) {
                throw new IllegalArgumentException("gray pixels must be one byte apart");
            }
            return new Rows(w, h, 1, null, 0, 0, buffer.getData(), buffer.getOffset() + model.getOffset(x0, y0),
                    stride);
        }

        /** Row {@code y} into {@code out} at {@code at}: RGB with the Sub filter, gray unfiltered. */
        void filter(int y, byte[] out, int at) {
            if (channels == 1) {
                out[at] = FILTER_NONE;
                System.arraycopy(gray, grayOffset + y * grayStride, out, at + 1, width);
                return;
            }
            out[at] = FILTER_SUB;
            int base = rgbOffset + y * rgbStride;
            int pr = 0;
            int pg = 0;
            int pb = 0;
            int o = at + 1;
            for (int x = 0; x < width; x++) {
                int p = rgb[base + x];
                int r = (p >> 16) & 0xFF;
                int g = (p >> 8) & 0xFF;
                int b = p & 0xFF;
                out[o++] = (byte) (r - pr);
                out[o++] = (byte) (g - pg);
                out[o++] = (byte) (b - pb);
                pr = r;
                pg = g;
                pb = b;
            }
        }
    }

    private static void chunk(OutputStream out, String type, byte[] data) throws IOException {
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(name);
        crc.update(data);
        out.write(ByteBuffer.allocate(4).putInt(data.length).array());
        out.write(name);
        out.write(data);
        out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /**
     * Runs {@code task} on the encoder's helper thread (queued before bands submitted later). The task must not
     * wait for other tasks of the pool; it may write PNGs (a helper thread compresses its bands itself).
     */
    static Future<?> submit(Runnable task) {
        return POOL.submit(task);
    }

    /** The task's result ({@link com.adclip.Futures#await}). */
    static <T> T await(Future<T> future) {
        return com.adclip.Futures.await(future, "writing map files");
    }
}
