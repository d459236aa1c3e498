package com.adclip.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.adclip.data.MaskShape.Box;
import com.adclip.data.MaskShape.Point;
import com.adclip.data.MaskShape.Polygon;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Rasterisation against hand-drawn pixels ('#' = 255). */
class MaskShapeTest {

    private static String draw(int w, int h, MaskShape... shapes) {
        return TestImages.picture(new MaskSource.Drawn(Path.of("unused.png"), List.of(shapes), "test")
                .rasterise(w, h));
    }

    private static Polygon polygon(double... xy) {
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < xy.length; i += 2) {
            points.add(new Point(xy[i], xy[i + 1]));
        }
        return new Polygon(points);
    }

    @Test
    void integerBoxCoversXToXPlusWMinus1() {
        assertEquals("""
                ........
                ........
                .###....
                .###....
                ........
                ........
                """, draw(8, 6, new Box(1, 2, 3, 2)));
    }

    @Test
    void fractionalBoxCoversThePixelCentresInside() {
        // columns with 0.6 <= i+0.5 < 2.6: 1, 2; rows with 0.4 <= j+0.5 < 1.4: 0
        assertEquals("""
                .##.
                ....
                """, draw(4, 2, new Box(0.6, 0.4, 2.0, 1.0)));
    }

    @Test
    void boxIsClippedToTheImage() {
        assertEquals("""
                ......##
                ......##
                ........
                """, draw(8, 3, new Box(6, -4, 5, 6)));
    }

    @Test
    void triangle() {
        // hypotenuse x = 6 - y: row j covers i + 0.5 < 5.5 - j
        assertEquals("""
                #####...
                ####....
                ###.....
                ##......
                #.......
                ........
                """, draw(8, 6, polygon(0, 0, 6, 0, 0, 6)));
    }

    @Test
    void polygonTracingABoxGivesTheBoxPixels() {
        assertEquals(draw(8, 6, new Box(1, 2, 3, 2)), draw(8, 6, polygon(1, 2, 4, 2, 4, 4, 1, 4)));
    }

    @Test
    void evenOddLeavesTheHoleOfAPolygonThatCirclesTwice() {
        // outer square 0..6, then into the inner square 2..4 and back along the same diagonal
        assertEquals("""
                ######.
                ######.
                ##..##.
                ##..##.
                ######.
                ######.
                .......
                """, draw(7, 7, polygon(0, 0, 6, 0, 6, 6, 0, 6, 0, 0, 2, 2, 2, 4, 4, 4, 4, 2, 2, 2)));
    }

    @Test
    void shapesAreUnited() {
        assertEquals("""
                ##..
                ##.#
                """, draw(4, 2, new Box(0, 0, 2, 2), polygon(3, 1, 4, 1, 4, 2, 3, 2)));
    }

    @Test
    void invalidShapesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Box(0, 0, 0, 3));
        assertThrows(IllegalArgumentException.class, () -> new Box(Double.NaN, 0, 1, 3));
        assertThrows(IllegalArgumentException.class, () -> polygon(0, 0, 1, 1));
    }
}
