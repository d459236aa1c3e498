package com.adclip.data;

import java.util.List;

/**
 * A ground-truth region drawn from an annotation file, in pixel coordinates of the image as loaded (after its
 * EXIF orientation): x to the right, y down, (0,0) the top-left corner of the top-left pixel, so pixel
 * (i, j) is the square [i, i+1) × [j, j+1) with its centre at (i+0.5, j+0.5).
 *
 * <p>Rasterisation (see {@link #fill}) marks the pixels whose centre lies inside the shape: a box covers
 * columns x..x+w-1 and rows y..y+h-1 when its values are integers; a polygon is filled with the even-odd
 * rule, a centre exactly on an edge counting as inside on left and top edges and outside on right and bottom
 * ones (so a polygon tracing a box gives exactly the box's pixels, and two polygons sharing an edge never
 * both claim a pixel). Pillow's {@code ImageDraw.polygon(fill=...)} differs: it rounds the vertices to
 * integers, puts pixel centres at integer coordinates and includes the whole boundary, so its polygons are
 * one pixel wider and taller than ours for the same integer vertices.
 */
public sealed interface MaskShape permits MaskShape.Box, MaskShape.Polygon {

    /** Sets the covered pixels of {@code mask} (row-major, {@code width × height}) to 255. */
    void fill(byte[] mask, int width, int height);

    /** A box: left x, top y, width w, height h, in pixels. */
    record Box(double x, double y, double w, double h) implements MaskShape {
        public Box {
            if (!Double.isFinite(x) || !Double.isFinite(y) || !Double.isFinite(w) || !Double.isFinite(h)) {
                throw new IllegalArgumentException("box values must be finite numbers");
            }
            if (w <= 0 || h <= 0) {
                throw new IllegalArgumentException("box width and height must be positive, got w=" + w
                        + " h=" + h);
            }
        }

        @Override
        public void fill(byte[] mask, int width, int height) {
            // pixel i is covered when x <= i + 0.5 < x + w
            int i0 = Math.max(0, (int) Math.ceil(x - 0.5));
            int i1 = Math.min(width, (int) Math.ceil(x + w - 0.5));
            int j0 = Math.max(0, (int) Math.ceil(y - 0.5));
            int j1 = Math.min(height, (int) Math.ceil(y + h - 0.5));
            for (int j = j0; j < j1; j++) {
                for (int i = i0; i < i1; i++) {
                    mask[j * width + i] = (byte) 255;
                }
            }
        }
    }

    /** A vertex of a polygon. */
    record Point(double x, double y) {
        public Point {
            if (!Double.isFinite(x) || !Double.isFinite(y)) {
                throw new IllegalArgumentException("polygon coordinates must be finite numbers");
            }
        }
    }

    /** A closed polygon (the last vertex connects to the first), at least 3 vertices. */
    record Polygon(List<Point> points) implements MaskShape {
        public Polygon {
            points = List.copyOf(points);
            if (points.size() < 3) {
                throw new IllegalArgumentException("a polygon needs at least 3 points, got " + points.size());
            }
        }

        @Override
        public void fill(byte[] mask, int width, int height) {
            int n = points.size();
            double[] crossings = new double[n];
            for (int j = 0; j < height; j++) {
                double yc = j + 0.5;
                int count = 0;
                for (int k = 0; k < n; k++) {
                    Point a = points.get(k);
                    Point b = points.get((k + 1) % n);
                    // half-open in y: an edge counts on rows whose centre is in [min y, max y)
                    if (a.y() == b.y() || yc < Math.min(a.y(), b.y()) || yc >= Math.max(a.y(), b.y())) {
                        continue;
                    }
                    crossings[count++] = a.x() + (yc - a.y()) * (b.x() - a.x()) / (b.y() - a.y());
                }
                java.util.Arrays.sort(crossings, 0, count);
                for (int c = 0; c + 1 < count; c += 2) {
                    // centres with xa <= i + 0.5 < xb
                    int i0 = Math.max(0, (int) Math.ceil(crossings[c] - 0.5));
                    int i1 = Math.min(width, (int) Math.ceil(crossings[c + 1] - 0.5));
                    for (int i = i0; i < i1; i++) {
                        mask[j * width + i] = (byte) 255;
                    }
                }
            }
        }
    }
}
