package com.adclip.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** Element-wise comparisons against the reference's arrays, with the golden README's tolerances. */
public final class GoldenAssert {
    private GoldenAssert() {}

    /** Features, logits, maps: |Δ| ≤ rel · max(1, |expected|) everywhere (the README uses rel = 1e-4). */
    public static void assertClose(String what, NDArray expected, NDArray actual, double rel) {
        assertArrayEquals(expected.getShape().getShape(), actual.getShape().getShape(), what + ": shape");
        float[] e = expected.toType(DataType.FLOAT32, false).toFloatArray();
        float[] a = actual.toType(DataType.FLOAT32, false).toFloatArray();
        double worst = 0;
        int worstAt = -1;
        for (int i = 0; i < e.length; i++) {
            double excess = Math.abs(e[i] - a[i]) / Math.max(1.0, Math.abs(e[i]));
            if (!(excess <= worst) || Double.isNaN(a[i])) {
                worst = Double.isNaN(a[i]) ? Double.POSITIVE_INFINITY : excess;
                worstAt = i;
            }
        }
        if (worst > rel) {
            fail(String.format("%s: |Δ|/max(1,|e|) = %.3g at flat index %d (expected %s, got %s), tolerance %.1g",
                    what, worst, worstAt, e[worstAt], a[worstAt], rel));
        }
    }
}
