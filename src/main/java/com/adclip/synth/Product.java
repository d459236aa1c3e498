package com.adclip.synth;

import java.awt.Graphics2D;
import java.awt.Shape;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A procedural product class. It paints itself in design coordinates (the image square {@code [0, S]²} before
 * the pose), from a seeded {@link Random} that it must consume identically whatever {@code omit} is, so an
 * image without some parts (for missing parts and missing print) lines up exactly with the full one.
 */
abstract class Product {

    /** Where defects may go and the parts that can go missing, in design coordinates. */
    record Layout(Shape surface, List<Part> parts) {}

    /** A paintable part: {@code body} (the whole object), {@code component} or {@code print}. */
    record Part(String kind, Shape shape) {}

    /** The class (folder) name. */
    abstract String name();

    /** The defect types that make sense for this class, in folder order. */
    abstract List<DefectType> defects();

    /** Largest rotation of the pose in degrees (180 for round parts). */
    abstract double maxRotation();

    /** Paints the product on {@code g} ({@code size} px design square), leaving out the parts in {@code omit}. */
    abstract Layout paint(Graphics2D g, int size, Random random, Set<Integer> omit);

    static double jitter(Random random, double value, double fraction) {
        return value * (1 + fraction * (2 * random.nextDouble() - 1));
    }

    static double uniform(Random random, double lo, double hi) {
        return lo + (hi - lo) * random.nextDouble();
    }
}
