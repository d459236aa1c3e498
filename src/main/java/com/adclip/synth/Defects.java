package com.adclip.synth;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Area;
import java.awt.geom.CubicCurve2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Point2D;
import java.awt.geom.QuadCurve2D;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Draws one defect of a type on a shot: its coverage ({@code alpha}, 0..1 per pixel, antialiased) and what
 * the covered pixels become ({@code target}, float RGB). Shapes are placed in design coordinates on the
 * product's surface and drawn through the pose, so defects move with the product.
 */
final class Defects {

    /** A defect's coverage and target colours (both full-image arrays). */
    record Defect(float[] alpha, float[] target) {}

    private Defects() {}

    static Defect make(DefectType type, Scene scene, Scene.Shot clean, float[] current, float[] surface,
            Random r) {
        Defect d = switch (type) {
            case SCRATCH -> scratch(scene, clean, current, r);
            case CRACK -> crack(scene, clean, current, r);
            case DENT -> dent(scene, clean, current, r);
            case STAIN -> stain(scene, clean, current, r, STAINS[r.nextInt(STAINS.length)], 0.35);
            case HOLE -> hole(scene, clean, current, r);
            case MISSING_PART -> missingPart(scene, clean, r);
            case CONTAMINATION -> contamination(scene, clean, current, r);
            case PRINT_ERROR -> printError(scene, clean, current, r);
        };
        float[] alpha = d.alpha();
        for (int i = 0; i < alpha.length; i++) {
            alpha[i] *= surface[i];
        }
        return d;
    }

    private static final Color[] STAINS = {new Color(120, 82, 40), new Color(70, 62, 40), new Color(150, 125, 55)};
    private static final Color[] INKS = {new Color(22, 22, 30), new Color(30, 50, 140), new Color(150, 25, 35)};

    private static Defect scratch(Scene scene, Scene.Shot clean, float[] cur, Random r) {
        int s = scene.size;
        double k = feature(s);
        Point2D p = spot(scene, clean, r, 0.08);
        double len = Product.uniform(r, 0.12, 0.4) * s;
        double angle = 2 * Math.PI * r.nextDouble();
        double bend = Product.uniform(r, -0.15, 0.15) * len;
        double width = Product.uniform(r, 1.2, 2.2) * k;
        int lines = r.nextDouble() < 0.3 ? 2 + r.nextInt(2) : 1;
        double nx = -Math.sin(angle);
        double ny = Math.cos(angle);
        List<Shape> curves = new ArrayList<>();
        for (int l = 0; l < lines; l++) {
            double off = l * Product.uniform(r, 3, 5) * k;
            double x0 = p.getX() + off * nx;
            double y0 = p.getY() + off * ny;
            double x1 = x0 + len * Math.cos(angle);
            double y1 = y0 + len * Math.sin(angle);
            curves.add(new QuadCurve2D.Double(x0, y0, (x0 + x1) / 2 + bend * nx, (y0 + y1) / 2 + bend * ny, x1, y1));
        }
        float[] alpha = Pixels.alpha(s, scene.pose, g -> {
            g.setStroke(new BasicStroke((float) width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            curves.forEach(g::draw);
        });
        float[] target = new float[cur.length];
        for (int i = 0; i < alpha.length; i++) {
            boolean bright = Pixels.luma(cur, i) < 150;
            for (int c = 0; c < 3; c++) {
                float v = cur[3 * i + c];
                target[3 * i + c] = bright ? v + (255 - v) * 0.55f : v * 0.5f;
            }
        }
        return new Defect(alpha, target);
    }

    private static Defect crack(Scene scene, Scene.Shot clean, float[] cur, Random r) {
        int s = scene.size;
        double k = feature(s);
        Point2D p = spot(scene, clean, r, 0.12);
        double heading = 2 * Math.PI * r.nextDouble();
        List<Point2D> main = walk(p, heading, Product.uniform(r, 0.15, 0.32) * s, k, r);
        List<List<Point2D>> paths = new ArrayList<>(List.of(main));
        int branches = 1 + r.nextInt(3);
        for (int b = 0; b < branches; b++) {
            Point2D from = main.get(1 + r.nextInt(main.size() - 1));
            double turn = (r.nextBoolean() ? 1 : -1) * Product.uniform(r, 0.6, 1.2);
            paths.add(walk(from, heading + turn, Product.uniform(r, 0.04, 0.1) * s, k, r));
        }
        double width = Product.uniform(r, 1.3, 2.0) * k;
        float[] alpha = Pixels.alpha(s, scene.pose, g -> {
            for (int i = 0; i < paths.size(); i++) {
                g.setStroke(new BasicStroke((float) (i == 0 ? width : width * 0.8), BasicStroke.CAP_ROUND,
                        BasicStroke.JOIN_ROUND));
                g.draw(polyline(paths.get(i)));
            }
        });
        float[] target = new float[cur.length];
        for (int i = 0; i < target.length; i++) {
            target[i] = cur[i] * 0.22f + 4;
        }
        return new Defect(alpha, target);
    }

    private static List<Point2D> walk(Point2D start, double heading, double length, double k, Random r) {
        List<Point2D> out = new ArrayList<>(List.of(start));
        double x = start.getX();
        double y = start.getY();
        double h = heading;
        for (double done = 0; done < length; ) {
            double step = Product.uniform(r, 3, 6) * k;
            h += 0.45 * r.nextGaussian();
            h = heading + Math.max(-0.8, Math.min(0.8, h - heading));
            x += step * Math.cos(h);
            y += step * Math.sin(h);
            out.add(new Point2D.Double(x, y));
            done += step;
        }
        return out;
    }

    private static Shape polyline(List<Point2D> points) {
        Path2D.Double path = new Path2D.Double();
        path.moveTo(points.get(0).getX(), points.get(0).getY());
        for (int i = 1; i < points.size(); i++) {
            path.lineTo(points.get(i).getX(), points.get(i).getY());
        }
        return path;
    }

    private static Defect dent(Scene scene, Scene.Shot clean, float[] cur, Random r) {
        int s = scene.size;
        Point2D q = scene.toImage(spot(scene, clean, r, 0.14));
        double a = Product.uniform(r, 0.045, 0.09) * s * scene.scale();
        double b = a * Product.uniform(r, 0.55, 1.0);
        double theta = Math.PI * r.nextDouble();
        double cos = Math.cos(theta);
        double sin = Math.sin(theta);
        double lx = -Math.sqrt(0.5);
        double ly = -Math.sqrt(0.5);
        float[] alpha = Pixels.region(s, 3, q.getX(), q.getY(), a + 1, (x, y) -> {
            double u = ((x - q.getX()) * cos + (y - q.getY()) * sin) / a;
            double v = (-(x - q.getX()) * sin + (y - q.getY()) * cos) / b;
            return u * u + v * v < 1;
        });
        float[] target = new float[cur.length];
        for (int i = 0; i < alpha.length; i++) {
            if (alpha[i] == 0) {
                continue;
            }
            double x = i % s + 0.5 - q.getX();
            double y = i / s + 0.5 - q.getY();
            double u = (x * cos + y * sin) / a;
            double v = (-x * sin + y * cos) / b;
            // slope of a bowl, back in image axes; the wall facing the light is lit, the other in shadow
            double gu = u / a;
            double gv = v / b;
            double gx = gu * cos - gv * sin;
            double gy = gu * sin + gv * cos;
            double norm = Math.sqrt(gx * gx + gy * gy);
            double shade = norm == 0 ? 0 : (gx * lx + gy * ly) / norm * Math.min(1, Math.sqrt(u * u + v * v) * 1.4);
            double f = 0.78 + 0.32 * shade;
            for (int c = 0; c < 3; c++) {
                float val = cur[3 * i + c];
                target[3 * i + c] = (float) (f <= 1 ? val * f : val + (255 - val) * (f - 1) * 2);
            }
        }
        return new Defect(alpha, target);
    }

    private static Defect stain(Scene scene, Scene.Shot clean, float[] cur, Random r, Color colour,
            double opacityRange) {
        int s = scene.size;
        Point2D q = scene.toImage(spot(scene, clean, r, 0.1));
        double radius = Product.uniform(r, 0.04, 0.11) * s;
        Perlin edge = new Perlin(r.nextLong());
        double cell = radius * 0.6;
        float strength = (float) Product.uniform(r, 0.65 - opacityRange / 2, 0.65 + opacityRange / 2);
        // the wobble is at most 1.35 times the radius
        float[] alpha = Pixels.region(s, 2, q.getX(), q.getY(), 1.6 * radius,
                (x, y) -> blob(edge, q, radius, cell, x, y) < 1);
        float[] target = new float[cur.length];
        for (int i = 0; i < alpha.length; i++) {
            if (alpha[i] == 0) {
                continue;
            }
            double x = i % s + 0.5;
            double y = i / s + 0.5;
            double d = blob(edge, q, radius, cell, x, y);
            float ring = d > 0.8 ? 0.85f : 1f;
            float texture = (float) (1 + 0.08 * edge.noise(x / 3.0, y / 3.0));
            float[] tint = {colour.getRed() / 255f, colour.getGreen() / 255f, colour.getBlue() / 255f};
            for (int c = 0; c < 3; c++) {
                float v = cur[3 * i + c];
                float stained = v * tint[c] * ring * texture;
                target[3 * i + c] = v + strength * (stained - v);
            }
        }
        return new Defect(alpha, target);
    }

    /** Distance to {@code q} relative to a radius wobbled by noise: below 1 is inside the blob. */
    private static double blob(Perlin edge, Point2D q, double radius, double cell, double x, double y) {
        double wobble = 1 + 0.35 * edge.fbm(x / cell, y / cell, 3);
        double dx = x - q.getX();
        double dy = y - q.getY();
        return Math.sqrt(dx * dx + dy * dy) / (radius * wobble);
    }

    private static Defect hole(Scene scene, Scene.Shot clean, float[] cur, Random r) {
        int s = scene.size;
        Point2D p = spot(scene, clean, r, 0.1);
        Shape shape = jagged(p, Product.uniform(r, 0.02, 0.055) * s, 14, 0.7, 1.15, r);
        float[] alpha = Pixels.fill(s, scene.pose, shape);
        float[] target = new float[cur.length];
        for (int i = 0; i < target.length; i++) {
            target[i] = 20 + 0.12f * cur[i];
        }
        return new Defect(alpha, target);
    }

    private static Shape jagged(Point2D centre, double radius, int vertices, double lo, double hi, Random r) {
        Path2D.Double path = new Path2D.Double();
        double stretch = Product.uniform(r, 0.6, 1.0);
        double spin = Math.PI * r.nextDouble();
        for (int i = 0; i < vertices; i++) {
            double a = 2 * Math.PI * i / vertices;
            double rr = radius * Product.uniform(r, lo, hi);
            double x = rr * Math.cos(a);
            double y = rr * Math.sin(a) * stretch;
            double px = centre.getX() + x * Math.cos(spin) - y * Math.sin(spin);
            double py = centre.getY() + x * Math.sin(spin) + y * Math.cos(spin);
            if (i == 0) {
                path.moveTo(px, py);
            } else {
                path.lineTo(px, py);
            }
        }
        path.closePath();
        return path;
    }

    private static Defect missingPart(Scene scene, Scene.Shot clean, Random r) {
        List<Product.Part> parts = clean.layout().parts();
        List<Integer> components = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            if (parts.get(i).kind().equals("component")) {
                components.add(i);
            }
        }
        int index;
        Shape region;
        if (!components.isEmpty()) {
            index = components.get(r.nextInt(components.size()));
            region = parts.get(index).shape();
        } else {
            index = indexOf(parts, "body");
            // a piece broken off the rim: a jagged blob centred just inside the edge, cut to the body
            Rectangle2D b = parts.get(index).shape().getBounds2D();
            double a = 2 * Math.PI * r.nextDouble();
            double rr = b.getWidth() / 2 * Product.uniform(r, 0.95, 1.02);
            Point2D at = new Point2D.Double(b.getCenterX() + rr * Math.cos(a), b.getCenterY() + rr * Math.sin(a));
            Area chunk = new Area(jagged(at, Product.uniform(r, 0.06, 0.11) * scene.size, 10, 0.6, 1.2, r));
            chunk.intersect(new Area(parts.get(index).shape()));
            region = chunk;
        }
        float[] alpha = Pixels.fill(scene.size, scene.pose, region);
        return new Defect(alpha, scene.render(Set.of(index)).rgb());
    }

    private static int indexOf(List<Product.Part> parts, String kind) {
        for (int i = 0; i < parts.size(); i++) {
            if (parts.get(i).kind().equals(kind)) {
                return i;
            }
        }
        throw new IllegalStateException("product has no " + kind + " part");
    }

    private static Defect contamination(Scene scene, Scene.Shot clean, float[] cur, Random r) {
        int s = scene.size;
        double k = feature(s);
        Point2D centre = spot(scene, clean, r, 0.1);
        int count = 1 + r.nextInt(3);
        Color[] colours = {new Color(28, 24, 20), new Color(125, 62, 30), new Color(215, 215, 220),
            new Color(230, 228, 215), new Color(160, 30, 30)};
        float[] alpha = new float[s * s];
        float[] target = new float[cur.length];
        Random grain = new Random(r.nextLong());
        for (int n = 0; n < count; n++) {
            Point2D p = new Point2D.Double(centre.getX() + r.nextGaussian() * 0.03 * s,
                    centre.getY() + r.nextGaussian() * 0.03 * s);
            Color colour = colours[r.nextInt(colours.length)];
            float[] a;
            if (r.nextDouble() < 0.4) {
                double len = Product.uniform(r, 0.05, 0.15) * s;
                double h = 2 * Math.PI * r.nextDouble();
                double x1 = p.getX() + len * Math.cos(h);
                double y1 = p.getY() + len * Math.sin(h);
                Shape fibre = new CubicCurve2D.Double(p.getX(), p.getY(),
                        p.getX() + r.nextGaussian() * len / 2, p.getY() + r.nextGaussian() * len / 2,
                        x1 + r.nextGaussian() * len / 2, y1 + r.nextGaussian() * len / 2, x1, y1);
                float width = (float) (Product.uniform(r, 1.1, 1.6) * k);
                a = Pixels.alpha(s, scene.pose, g -> {
                    g.setStroke(new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
                    g.draw(fibre);
                });
            } else {
                a = Pixels.fill(s, scene.pose, jagged(p, Product.uniform(r, 1.5, 4.5) * k, 9, 0.6, 1.2, r));
            }
            for (int i = 0; i < a.length; i++) {
                if (a[i] > 0 && a[i] >= alpha[i]) {
                    float shade = (float) (0.85 + 0.3 * grain.nextDouble());
                    target[3 * i] = colour.getRed() * shade;
                    target[3 * i + 1] = colour.getGreen() * shade;
                    target[3 * i + 2] = colour.getBlue() * shade;
                    alpha[i] = a[i];
                }
            }
        }
        return new Defect(alpha, target);
    }

    private static Defect printError(Scene scene, Scene.Shot clean, float[] cur, Random r) {
        int s = scene.size;
        double k = feature(s);
        List<Product.Part> parts = clean.layout().parts();
        int variant = r.nextInt(3);
        if (variant == 0) {
            List<Integer> prints = new ArrayList<>();
            for (int i = 0; i < parts.size(); i++) {
                if (parts.get(i).kind().equals("print")) {
                    prints.add(i);
                }
            }
            int index = prints.get(r.nextInt(prints.size()));
            Rectangle2D b = parts.get(index).shape().getBounds2D();
            Point2D at = new Point2D.Double(b.getX() + b.getWidth() * r.nextDouble(),
                    b.getY() + b.getHeight() * r.nextDouble());
            double radius = Product.uniform(r, 0.03, 0.09) * s;
            Area voids = new Area(new Ellipse2D.Double(at.getX() - radius, at.getY() - radius * 0.6, 2 * radius,
                    1.2 * radius));
            voids.intersect(new Area(parts.get(index).shape()));
            return new Defect(Pixels.fill(s, scene.pose, voids), scene.render(Set.of(index)).rgb());
        }
        Color ink = INKS[r.nextInt(INKS.length)];
        if (variant == 2) {
            return stain(scene, clean, cur, r, ink, 0.2);
        }
        Point2D p = spot(scene, clean, r, 0.1);
        double len = Product.uniform(r, 0.25, 0.55) * s;
        double thick = Product.uniform(r, 1.5, 4) * k;
        Shape band = new Rectangle2D.Double(p.getX() - len / 2, p.getY() - thick / 2, len, thick);
        Shape streak = AffineTransform.getRotateInstance(Math.toRadians(Product.uniform(r, -3, 3)), p.getX(),
                p.getY()).createTransformedShape(band);
        float opacity = (float) Product.uniform(r, 0.6, 0.9);
        float[] target = new float[cur.length];
        float[] inkRgb = {ink.getRed(), ink.getGreen(), ink.getBlue()};
        for (int i = 0; i < target.length; i++) {
            target[i] = cur[i] + opacity * (inkRgb[i % 3] - cur[i]);
        }
        return new Defect(Pixels.fill(s, scene.pose, streak), target);
    }

    /** Design px per px of a 256-px image, at least 1 so small images keep defects a pixel or more wide. */
    private static double feature(int size) {
        return Math.max(1.0, size / 256.0);
    }

    /** A random design point on the product's surface, its image position {@code margin × size} off the edges. */
    static Point2D spot(Scene scene, Scene.Shot clean, Random r, double margin) {
        Shape surface = clean.layout().surface();
        Rectangle2D b = surface.getBounds2D();
        int s = scene.size;
        for (int attempt = 0; attempt < 1000; attempt++) {
            Point2D p = new Point2D.Double(b.getX() + b.getWidth() * r.nextDouble(),
                    b.getY() + b.getHeight() * r.nextDouble());
            Point2D q = scene.toImage(p);
            if (surface.contains(p) && q.getX() > margin * s && q.getX() < (1 - margin) * s
                    && q.getY() > margin * s && q.getY() < (1 - margin) * s) {
                return p;
            }
        }
        throw new IllegalStateException(scene.product.name() + ": no surface point inside the frame");
    }
}
