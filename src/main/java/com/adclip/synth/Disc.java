package com.adclip.synth;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.MultipleGradientPaint;
import java.awt.RadialGradientPaint;
import java.awt.geom.Area;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Point2D;
import java.awt.geom.Rectangle2D;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** A machined steel disc with turning marks, a centre bore and six bolt holes, on a dark fixture. */
final class Disc extends Product {

    @Override
    String name() {
        return "disc";
    }

    @Override
    List<DefectType> defects() {
        return List.of(DefectType.CONTAMINATION, DefectType.DENT, DefectType.MISSING_PART, DefectType.SCRATCH);
    }

    @Override
    double maxRotation() {
        return 180;
    }

    @Override
    Layout paint(Graphics2D g, int s, Random r, Set<Integer> omit) {
        double c = s / 2.0;
        double radius = 0.4 * s;
        g.setColor(new Color(38, 40, 46));
        g.fill(new Rectangle2D.Double(-s, -s, 3 * s, 3 * s));
        Ellipse2D body = circle(c, c, radius);
        Area surface = new Area(body);
        double bore = 0.1 * s;
        surface.subtract(new Area(circle(c, c, bore)));
        int tone = 150 + r.nextInt(30);
        Color[] rings = new Color[24];
        for (int i = 0; i < rings.length; i++) {
            int v = tone - 25 + r.nextInt(50);
            rings[i] = new Color(v, v, Math.min(255, v + 6), 45);
        }
        double holeRadius = 0.035 * s;
        double pitch = 0.27 * s;
        double phase = r.nextDouble() * 0.05;
        for (int i = 0; i < 6; i++) {
            double a = 2 * Math.PI * (i / 6.0 + phase);
            surface.subtract(new Area(circle(c + pitch * Math.cos(a), c + pitch * Math.sin(a), holeRadius * 1.3)));
        }
        if (omit.contains(0)) {
            return new Layout(surface, List.of(new Part("body", body)));
        }
        g.setPaint(new RadialGradientPaint(new Point2D.Double(c, c), (float) radius,
                new Point2D.Double(c - 0.3 * radius, c - 0.3 * radius), new float[] {0f, 1f},
                new Color[] {new Color(tone + 40, tone + 40, tone + 45), new Color(tone - 40, tone - 40, tone - 35)},
                MultipleGradientPaint.CycleMethod.NO_CYCLE));
        g.fill(body);
        g.setStroke(new BasicStroke((float) (2.5 * s / 256.0)));
        for (int i = 0; i < rings.length; i++) {
            g.setColor(rings[i]);
            double rr = bore + (radius - bore) * (i + 0.5) / rings.length;
            g.draw(circle(c, c, rr));
        }
        g.setStroke(new BasicStroke((float) (2.5 * s / 256.0)));
        g.setColor(new Color(225, 225, 230));
        g.draw(circle(c, c, radius - 1.5 * s / 256.0));
        hole(g, c, c, bore, s);
        for (int i = 0; i < 6; i++) {
            double a = 2 * Math.PI * (i / 6.0 + phase);
            hole(g, c + pitch * Math.cos(a), c + pitch * Math.sin(a), holeRadius, s);
        }
        return new Layout(surface, List.of(new Part("body", body)));
    }

    private static void hole(Graphics2D g, double x, double y, double radius, int s) {
        g.setColor(new Color(205, 205, 212));
        g.fill(circle(x, y, radius + 2.5 * s / 256.0));
        g.setColor(new Color(24, 24, 28));
        g.fill(circle(x, y, radius));
        g.setColor(new Color(70, 70, 78));
        g.fill(circle(x + 0.25 * radius, y + 0.25 * radius, radius * 0.6));
    }

    static Ellipse2D circle(double x, double y, double radius) {
        return new Ellipse2D.Double(x - radius, y - radius, 2 * radius, 2 * radius);
    }
}
