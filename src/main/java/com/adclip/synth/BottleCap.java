package com.adclip.synth;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.MultipleGradientPaint;
import java.awt.RadialGradientPaint;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Point2D;
import java.awt.geom.Rectangle2D;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** A crown bottle cap seen from above: lacquered metal, crimped rim, an embossed star, on a conveyor belt. */
final class BottleCap extends Product {

    @Override
    String name() {
        return "bottle_cap";
    }

    @Override
    List<DefectType> defects() {
        return List.of(DefectType.CONTAMINATION, DefectType.CRACK, DefectType.DENT, DefectType.SCRATCH);
    }

    @Override
    double maxRotation() {
        return 180;
    }

    @Override
    Layout paint(Graphics2D g, int s, Random r, Set<Integer> omit) {
        double k = s / 256.0;
        double c = s / 2.0;
        double radius = 0.38 * s;
        g.setColor(new Color(70, 72, 70));
        g.fill(new Rectangle2D.Double(-s, -s, 3 * s, 3 * s));
        g.setColor(new Color(20, 20, 20, 90));
        g.fill(Disc.circle(c + 5 * k, c + 6 * k, radius + 4 * k));
        float hue = 0.0f;
        Color main = Color.getHSBColor(hue, 0.75f, 0.72f);
        Color dark = Color.getHSBColor(hue, 0.8f, 0.42f);
        Color light = Color.getHSBColor(hue, 0.45f, 0.95f);
        Ellipse2D body = Disc.circle(c, c, radius);
        g.setPaint(new RadialGradientPaint(new Point2D.Double(c, c), (float) radius,
                new Point2D.Double(c - 0.35 * radius, c - 0.35 * radius), new float[] {0f, 0.8f, 1f},
                new Color[] {light, main, dark}, MultipleGradientPaint.CycleMethod.NO_CYCLE));
        g.fill(body);
        g.setStroke(new BasicStroke((float) (2 * k)));
        int teeth = 21;
        for (int i = 0; i < teeth * 4; i++) {
            double a = 2 * Math.PI * i / (teeth * 4);
            g.setColor((i & 1) == 0 ? dark : light);
            g.draw(new Line2D.Double(c + 0.84 * radius * Math.cos(a), c + 0.84 * radius * Math.sin(a),
                    c + 0.99 * radius * Math.cos(a), c + 0.99 * radius * Math.sin(a)));
        }
        g.setStroke(new BasicStroke((float) (1.5 * k)));
        g.setColor(dark);
        g.draw(Disc.circle(c, c, 0.8 * radius));
        Path2D.Double star = new Path2D.Double();
        double spin = r.nextDouble();
        for (int i = 0; i < 10; i++) {
            double a = 2 * Math.PI * (i / 10.0 + spin);
            double rr = (i % 2 == 0 ? 0.45 : 0.2) * radius;
            if (i == 0) {
                star.moveTo(c + rr * Math.cos(a), c + rr * Math.sin(a));
            } else {
                star.lineTo(c + rr * Math.cos(a), c + rr * Math.sin(a));
            }
        }
        star.closePath();
        g.setColor(new Color(250, 236, 200));
        g.fill(star);
        g.setColor(new Color(255, 255, 255, 70));
        g.fill(new Ellipse2D.Double(c - 0.55 * radius, c - 0.6 * radius, 0.6 * radius, 0.35 * radius));
        return new Layout(Disc.circle(c, c, 0.97 * radius), List.of(new Part("body", body)));
    }
}
