package com.adclip.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adclip.AdclipException;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Decompression bombs within the upload limits: a metadata chunk that inflates to 128 MiB is not inflated, and
 * an image far larger than the model needs is decoded subsampled. Asserted on what was decoded and allocated,
 * never on time.
 */
class ImageBombTest {
    @TempDir Path tmp;

    private static void chunk(DataOutputStream out, String type, byte[] data) throws IOException {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.writeInt(data.length);
        out.write(t);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeInt((int) crc.getValue());
    }

    private static byte[] deflate(long zeros) throws IOException {
        ByteArrayOutputStream packed = new ByteArrayOutputStream();
        try (DeflaterOutputStream z = new DeflaterOutputStream(packed, new Deflater(9))) {
            byte[] block = new byte[1 << 20];
            for (long done = 0; done < zeros; done += block.length) {
                z.write(block, 0, (int) Math.min(block.length, zeros - done));
            }
        }
        return packed.toByteArray();
    }

    /** A PNG of zeros: 8-bit RGB or 16-bit RGBA, optionally with a zTXt chunk inflating to {@code ztxt} bytes. */
    private Path png(String name, int width, int height, boolean rgba16, long ztxt) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        DataOutputStream h = new DataOutputStream(ihdr);
        h.writeInt(width);
        h.writeInt(height);
        h.write(new byte[] {(byte) (rgba16 ? 16 : 8), (byte) (rgba16 ? 6 : 2), 0, 0, 0});
        chunk(out, "IHDR", ihdr.toByteArray());
        if (ztxt > 0) {
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            text.write("Comment".getBytes(StandardCharsets.ISO_8859_1));
            text.write(new byte[] {0, 0});
            text.write(deflate(ztxt));
            chunk(out, "zTXt", text.toByteArray());
        }
        long rowBytes = 1 + (long) width * (rgba16 ? 8 : 3);
        chunk(out, "IDAT", deflate(rowBytes * height));
        chunk(out, "IEND", new byte[0]);
        Path file = tmp.resolve(name);
        Files.write(file, bytes.toByteArray());
        return file;
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    @Test
    void aZtxtBombIsNotInflated() throws IOException {
        Path bomb = png("ztxt.png", 16, 16, false, 128L << 20);
        assertTrue(Files.size(bomb) < 1 << 20, "a small file");
        long before = allocated();
        PillowImage image = ImageLoader.load(bomb, Long.MAX_VALUE);
        long used = allocated() - before;
        assertEquals(16, image.width());
        assertTrue(used < 32L << 20, "decoding allocated " + (used >> 20) + " MiB; the text inflates to 128 MiB");
    }

    @Test
    void aHugeImageIsDecodedSubsampled() throws IOException {
        Path bomb = png("big.png", 1200, 1000, true, 0);
        PillowImage image = ImageLoader.load(bomb, Long.MAX_VALUE, 192);
        assertEquals(240, image.width(), "every 5th column: 1000 / 192 = 5");
        assertEquals(200, image.height());
        assertEquals(PillowImage.Mode.RGBA, image.mode());
    }

    @Test
    void anImageUnderTwiceTheBoundIsDecodedInFull() throws IOException {
        Path file = png("small.png", 383, 500, true, 0);
        PillowImage image = ImageLoader.load(file, Long.MAX_VALUE, 192);
        assertEquals(383, image.width());
        assertEquals(500, image.height());
        assertEquals(1, ImageLoader.subsampling(383, 5000, 192));
        assertEquals(2, ImageLoader.subsampling(384, 5000, 192));
    }

    /** A PNG header (IHDR) with a token IDAT: enough for the header checks, which must refuse it before decoding. */
    private Path header(String name, int width, int height, int bitDepth, int colorType) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        DataOutputStream h = new DataOutputStream(ihdr);
        h.writeInt(width);
        h.writeInt(height);
        h.write(new byte[] {(byte) bitDepth, (byte) colorType, 0, 0, 0});
        chunk(out, "IHDR", ihdr.toByteArray());
        if (colorType == 3) {
            chunk(out, "PLTE", new byte[3 * 256]);
        }
        chunk(out, "IDAT", deflate(1024));
        chunk(out, "IEND", new byte[0]);
        Path file = tmp.resolve(name);
        Files.write(file, bytes.toByteArray());
        return file;
    }

    private static DecodeBudget.Size sizeOf(Path file) {
        return ImageLoader.withReader(file, true, "cannot read ", (reader, in) -> DecodeBudget.of(reader));
    }

    private static final long BUDGET = (long) (DecodeBudget.DEFAULT_MAX_MB * 1e6);

    @Test
    void decodedBytesComeFromTheHeader() throws IOException {
        assertEquals(6300L * 6300 * 4 * 2, sizeOf(header("rgba16.png", 6300, 6300, 16, 6)).bytes());
        assertEquals(8000L * 5000 * 3, sizeOf(header("rgb8.png", 8000, 5000, 8, 2)).bytes());
        assertEquals(100L * 50, sizeOf(header("grey1.png", 100, 50, 1, 0)).bytes(), "one byte per packed sample");
        assertEquals(100L * 50, sizeOf(header("palette.png", 100, 50, 8, 3)).bytes());
    }

    @Test
    void a16BitRgbaBombIsRefusedFromItsHeaderAndALegitImageAtThePixelLimitIsNot() throws IOException {
        Path bomb = header("bomb.png", 6300, 6300, 16, 6);
        AdclipException e = assertThrows(AdclipException.class,
                () -> ImageLoader.load(bomb, 40_000_000L, BUDGET, 2072));
        assertTrue(e.getMessage().contains("decodes to 317.5 MB (6300 x 6300, 4 channels of 16 bits), more than the "
                + "limit of 160.0 MB (--max-decoded-mb)"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
        assertFalse(sizeOf(header("legit.png", 8000, 5000, 8, 2)).exceeds(BUDGET), "40 MP of 8-bit RGB = 120 MB");
    }

    @Test
    void theBudgetIsCheckedBeforeDecodingAndOnlyRefusesWhatExceedsIt() throws IOException {
        Path file = png("deep.png", 300, 200, true, 0); // 480 000 raw bytes
        assertThrows(AdclipException.class, () -> ImageLoader.load(file, Long.MAX_VALUE, 479_999, 192));
        PillowImage image = ImageLoader.load(file, Long.MAX_VALUE, 480_000, Integer.MAX_VALUE);
        assertEquals(300, image.width());
    }
}
