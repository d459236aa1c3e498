package com.adclip.eval;

import java.util.Objects;

/**
 * The value of one metric, or the reason it cannot be computed for the data at hand (for example "only
 * one class present"). Exactly one of {@code value} and {@code reason} is non-null.
 *
 * @param value the metric, or null when it is not computable
 * @param reason why the metric is not computable, or null when it has a value
 */
public record MetricValue(Double value, String reason) {
    /** Checks that exactly one of value and reason is given, and that a value is not NaN. */
    public MetricValue {
        if ((value == null) == (reason == null)) {
            throw new IllegalArgumentException("a metric has either a value or a reason, not both or neither");
        }
        if (value != null && value.isNaN()) {
            throw new IllegalArgumentException("a metric value is never NaN; give a reason instead");
        }
    }

    /** A computed metric. */
    public static MetricValue of(double value) {
        return new MetricValue(value, null);
    }

    /** A metric that cannot be computed, with the reason in words a user understands. */
    public static MetricValue notComputable(String reason) {
        return new MetricValue(null, Objects.requireNonNull(reason, "reason"));
    }

    /** Whether the metric has a value. */
    public boolean computable() {
        return value != null;
    }

    /** The value; throws {@link IllegalStateException} with the reason when there is none. */
    public double get() {
        if (value == null) {
            throw new IllegalStateException("metric not computable: " + reason);
        }
        return value;
    }

    @Override
    public String toString() {
        return value != null ? Double.toString(value) : "not computable (" + reason + ")";
    }
}
