package com.adclip.synth;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Shape;
import java.awt.geom.Area;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.geom.RoundRectangle2D;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A small circuit board: green solder mask, copper traces, gold pads and vias, an IC, passive parts and white
 * silkscreen marks, on a grey tray.
 */
final class Pcb extends Product {

    @Override
    String name() {
        return "pcb";
    }

    @Override
    List<DefectType> defects() {
        return List.of(DefectType.CONTAMINATION, DefectType.MISSING_PART, DefectType.PRINT_ERROR,
                DefectType.SCRATCH);
    }

    @Override
    double maxRotation() {
        return 5;
    }

    @Override
    Layout paint(Graphics2D g, int s, Random r, Set<Integer> omit) {
        double k = s / 256.0;
        g.setColor(new Color(120, 122, 126));
        g.fill(new Rectangle2D.Double(-s, -s, 3 * s, 3 * s));
        Shape board = new RoundRectangle2D.Double(0.07 * s, 0.07 * s, 0.86 * s, 0.86 * s, 10 * k, 10 * k);
        g.setColor(new Color(28, 104 + r.nextInt(16), 58));
        g.fill(board);
        traces(g, s, r);
        List<Shape> componentBodies = new ArrayList<>();
        List<Shape> prints = new ArrayList<>();
        Color gold = new Color(205, 175, 95);
        // one IC and a few two-pad parts, on a coarse grid so they never overlap
        double[][] slots = {{0.2, 0.2}, {0.62, 0.2}, {0.2, 0.62}, {0.62, 0.62}, {0.42, 0.42}};
        int ic = r.nextInt(slots.length);
        for (int i = 0; i < slots.length; i++) {
            double x = slots[i][0] * s + Product.uniform(r, -4, 4) * k;
            double y = slots[i][1] * s + Product.uniform(r, -4, 4) * k;
            boolean vertical = r.nextBoolean();
            Shape body;
            Area pads = new Area();
            if (i == ic) {
                double w = 0.16 * s;
                body = new Rectangle2D.Double(x, y, w, w);
                for (int p = 0; p < 6; p++) {
                    double off = w * (p + 0.5) / 6 - 1.5 * k;
                    pads.add(new Area(new Rectangle2D.Double(x - 5 * k, y + off, 6 * k, 3 * k)));
                    pads.add(new Area(new Rectangle2D.Double(x + w - k, y + off, 6 * k, 3 * k)));
                }
            } else {
                double w = vertical ? 7 * k : 16 * k;
                double h = vertical ? 16 * k : 7 * k;
                body = new Rectangle2D.Double(x + (vertical ? 4 : 0) * k, y + (vertical ? 0 : 4) * k, w, h);
                Rectangle2D b = body.getBounds2D();
                pads.add(new Area(vertical ? new Rectangle2D.Double(b.getX() - k, b.getY() - 2 * k, w + 2 * k, 5 * k)
                        : new Rectangle2D.Double(b.getX() - 2 * k, b.getY() - k, 5 * k, h + 2 * k)));
                pads.add(new Area(vertical
                        ? new Rectangle2D.Double(b.getX() - k, b.getMaxY() - 3 * k, w + 2 * k, 5 * k)
                        : new Rectangle2D.Double(b.getMaxX() - 3 * k, b.getY() - k, 5 * k, h + 2 * k)));
            }
            g.setColor(gold);
            g.fill(pads);
            Path2D label = glyphs(r, x, y - 9 * k, 3 + r.nextInt(2), k);
            label.append(new BasicStroke((float) (1.2 * k)).createStrokedShape(grow(body, 3 * k)), false);
            prints.add(label);
            componentBodies.add(body);
        }
        g.setColor(new Color(235, 235, 228));
        for (int i = 0; i < prints.size(); i++) {
            if (!omit.contains(componentBodies.size() + i)) {
                g.fill(prints.get(i));
            }
        }
        for (int i = 0; i < componentBodies.size(); i++) {
            if (!omit.contains(i)) {
                paintComponent(g, componentBodies.get(i), i == ic, r.nextInt(3), k);
            } else {
                r.nextInt(3);
            }
        }
        List<Part> parts = new ArrayList<>();
        for (int i = 0; i < componentBodies.size(); i++) {
            parts.add(new Part("component", componentBodies.get(i)));
        }
        for (Shape p : prints) {
            parts.add(new Part("print", p));
        }
        return new Layout(board, parts);
    }

    private static void paintComponent(Graphics2D g, Shape body, boolean ic, int variant, double k) {
        Rectangle2D b = body.getBounds2D();
        if (ic) {
            g.setColor(new Color(32, 32, 36));
            g.fill(body);
            g.setColor(new Color(70, 70, 76));
            g.fill(Disc.circle(b.getX() + 5 * k, b.getY() + 5 * k, 2 * k));
            return;
        }
        Color[] colours = {new Color(190, 160, 120), new Color(60, 60, 64), new Color(150, 110, 60)};
        g.setColor(colours[variant]);
        g.fill(body);
        g.setColor(new Color(200, 200, 205));
        boolean vertical = b.getHeight() > b.getWidth();
        double e = 3 * k;
        g.fill(vertical ? new Rectangle2D.Double(b.getX(), b.getY(), b.getWidth(), e)
                : new Rectangle2D.Double(b.getX(), b.getY(), e, b.getHeight()));
        g.fill(vertical ? new Rectangle2D.Double(b.getX(), b.getMaxY() - e, b.getWidth(), e)
                : new Rectangle2D.Double(b.getMaxX() - e, b.getY(), e, b.getHeight()));
    }

    private static void traces(Graphics2D g, int s, Random r) {
        double k = s / 256.0;
        g.setColor(new Color(60, 150, 80));
        g.setStroke(new BasicStroke((float) (2.2 * k), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        for (int t = 0; t < 14; t++) {
            Path2D.Double path = new Path2D.Double();
            double x = Product.uniform(r, 0.12, 0.88) * s;
            double y = Product.uniform(r, 0.12, 0.88) * s;
            path.moveTo(x, y);
            for (int seg = 0; seg < 3; seg++) {
                double len = Product.uniform(r, 0.05, 0.25) * s;
                int dir = r.nextInt(8);
                double a = dir * Math.PI / 4;
                x = Math.max(0.1 * s, Math.min(0.9 * s, x + len * Math.cos(a)));
                y = Math.max(0.1 * s, Math.min(0.9 * s, y + len * Math.sin(a)));
                path.lineTo(x, y);
            }
            g.draw(path);
            g.setColor(new Color(205, 175, 95));
            g.fill(Disc.circle(x, y, 2.6 * k));
            g.setColor(new Color(20, 40, 25));
            g.fill(Disc.circle(x, y, 1.1 * k));
            g.setColor(new Color(60, 150, 80));
        }
    }

    /** Blocky pseudo-characters (no fonts, so rendering does not depend on installed fonts). */
    static Path2D glyphs(Random r, double x, double y, int count, double k) {
        Path2D.Double out = new Path2D.Double(Path2D.WIND_NON_ZERO);
        double cx = x;
        for (int c = 0; c < count; c++) {
            int bits = 1 + r.nextInt(0x7fff);
            for (int b = 0; b < 15; b++) {
                if ((bits >> b & 1) == 1) {
                    out.append(new Rectangle2D.Double(cx + (b % 3) * 1.3 * k, y + (b / 3) * 1.3 * k,
                            1.3 * k, 1.3 * k), false);
                }
            }
            cx += 4.6 * k;
        }
        return out;
    }

    private static Shape grow(Shape shape, double d) {
        Rectangle2D b = shape.getBounds2D();
        return new Rectangle2D.Double(b.getX() - d, b.getY() - d, b.getWidth() + 2 * d, b.getHeight() + 2 * d);
    }
}
