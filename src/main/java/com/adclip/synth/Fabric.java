package com.adclip.synth;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** A plain-woven fabric (denim-like) filling the frame: threads with per-thread colour and thickness. */
final class Fabric extends Product {

    @Override
    String name() {
        return "fabric";
    }

    @Override
    List<DefectType> defects() {
        return List.of(DefectType.CONTAMINATION, DefectType.HOLE, DefectType.STAIN);
    }

    @Override
    double maxRotation() {
        return 6;
    }

    @Override
    Layout paint(Graphics2D g, int s, Random r, Set<Integer> omit) {
        double pitch = 6.0 * s / 256.0;
        int n = (int) Math.ceil(1.8 * s / pitch);
        double origin = -0.4 * s;
        float hue = (float) Product.uniform(r, 0.58, 0.64);
        Color[] warp = new Color[n];
        Color[] weft = new Color[n];
        for (int i = 0; i < n; i++) {
            warp[i] = Color.getHSBColor(hue, (float) Product.uniform(r, 0.45, 0.6),
                    (float) Product.uniform(r, 0.45, 0.6));
            weft[i] = Color.getHSBColor(hue, (float) Product.uniform(r, 0.1, 0.2),
                    (float) Product.uniform(r, 0.7, 0.82));
        }
        // the weave is computed per pixel of a design-space texture and drawn through the pose (bilinear)
        int side = (int) Math.ceil(1.8 * s);
        BufferedImage weave = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        int[] row = new int[side];
        for (int y = 0; y < side; y++) {
            int j = (int) (y / pitch);
            double fy = y / pitch - j;
            for (int x = 0; x < side; x++) {
                int i = (int) (x / pitch);
                double fx = x / pitch - i;
                boolean warpOver = ((i + j) & 1) == 0;
                Color base = warpOver ? warp[Math.min(i, n - 1)] : weft[Math.min(j, n - 1)];
                double across = warpOver ? fx : fy;
                double along = warpOver ? fy : fx;
                double shade = 0.55 + 0.45 * Math.sin(Math.PI * across) * (0.8 + 0.2 * Math.sin(Math.PI * along));
                row[x] = ((int) (base.getRed() * shade) << 16) | ((int) (base.getGreen() * shade) << 8)
                        | (int) (base.getBlue() * shade);
            }
            weave.setRGB(0, y, side, 1, row, 0, side);
        }
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(weave, (int) Math.round(origin), (int) Math.round(origin), null);
        return new Layout(new Rectangle2D.Double(-0.3 * s, -0.3 * s, 1.6 * s, 1.6 * s), List.of());
    }
}
