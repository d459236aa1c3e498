package com.adclip.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The answer's overlay PNG: the overlay's own pixels, deflated at the fastest level. */
class RenderingsTest {

    @Test
    void theOverlayPngHoldsTheSamePixelsAtTheFastestDeflateLevel() throws Exception {
        BufferedImage overlay = new BufferedImage(200, 150, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(5);
        for (int y = 0; y < 150; y++) {
            for (int x = 0; x < 200; x++) {
                overlay.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        byte[] png = Renderings.png(overlay);
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(png));
        assertArrayEquals(overlay.getRGB(0, 0, 200, 150, null, 0, 200), back.getRGB(0, 0, 200, 150, null, 0, 200));
        assertEquals(0, zlibLevelFlag(png), "FLEVEL 0: deflate level 0 or 1 (the JDK's default level 4 gives 1)");
    }

    /** FLEVEL of the zlib stream in the first IDAT chunk: 0 fastest, 1 fast, 2 default, 3 maximum. */
    private static int zlibLevelFlag(byte[] png) {
        ByteBuffer in = ByteBuffer.wrap(png);
        in.position(8); // signature
        while (in.remaining() >= 12) {
            int length = in.getInt();
            String type = new String(png, in.position(), 4, java.nio.charset.StandardCharsets.US_ASCII);
            in.position(in.position() + 4);
            if (type.equals("IDAT")) {
                int flags = png[in.position() + 1] & 0xFF;
                return flags >> 6;
            }
            in.position(in.position() + length + 4); // data and CRC
        }
        throw new AssertionError("no IDAT chunk");
    }
}
