package com.adclip.synth;

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

/** A printed paper label on a cardboard box: a coloured header, a logo, lines of text and a barcode. */
final class Label extends Product {

    @Override
    String name() {
        return "label";
    }

    @Override
    List<DefectType> defects() {
        return List.of(DefectType.PRINT_ERROR, DefectType.SCRATCH, DefectType.STAIN);
    }

    @Override
    double maxRotation() {
        return 5;
    }

    @Override
    Layout paint(Graphics2D g, int s, Random r, Set<Integer> omit) {
        double k = s / 256.0;
        g.setColor(new Color(168, 130, 88));
        g.fill(new Rectangle2D.Double(-s, -s, 3 * s, 3 * s));
        double x0 = 0.12 * s;
        double y0 = 0.18 * s;
        double w = 0.76 * s;
        double h = 0.64 * s;
        Shape paper = new RoundRectangle2D.Double(x0, y0, w, h, 6 * k, 6 * k);
        g.setColor(new Color(242, 240, 232));
        g.fill(paper);
        List<Shape> prints = new ArrayList<>();
        Area header = new Area(new Rectangle2D.Double(x0, y0 + 6 * k, w, 0.12 * s));
        header.intersect(new Area(paper));
        prints.add(header);
        prints.add(Disc.circle(x0 + 0.12 * s, y0 + 0.28 * s, 0.07 * s));
        for (int line = 0; line < 4; line++) {
            prints.add(Pcb.glyphs(r, x0 + 0.24 * s, y0 + 0.22 * s + line * 13 * k, 8 + r.nextInt(8), 1.4 * k));
        }
        Path2D.Double barcode = new Path2D.Double();
        double bx = x0 + 0.1 * s;
        while (bx < x0 + 0.66 * s) {
            double bar = (1 + r.nextInt(3)) * k;
            barcode.append(new Rectangle2D.Double(bx, y0 + 0.44 * s, bar, 0.14 * s), false);
            bx += bar + (1 + r.nextInt(3)) * k;
        }
        prints.add(barcode);
        Color[] inks = {new Color(170, 30, 40), new Color(30, 60, 150), new Color(25, 25, 30)};
        Color accent = inks[1];
        List<Part> parts = new ArrayList<>();
        for (int i = 0; i < prints.size(); i++) {
            parts.add(new Part("print", prints.get(i)));
            if (!omit.contains(i)) {
                g.setColor(i < 2 ? accent : inks[2]);
                g.fill(prints.get(i));
            }
        }
        return new Layout(paper, parts);
    }
}
