package com.adclip.anomaly;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.adclip.clip.Ops;

/**
 * Brings maps computed at the model's S×S input back to an image's own size, for display and export.
 *
 * <p>The reference squashes every image to S×S (no aspect-preserving crop), so the map is simply stretched
 * back to W0×H0 with torch's bilinear interpolation ({@code F.interpolate(mode="bilinear",
 * align_corners=False)}): source coordinate {@code (in / out) * (dst + 0.5) - 0.5} in float32, clamped at
 * 0, linear between its floor and the next sample. See {@link Ops#resizeBilinear} for why
 * that is not libtorch's interpolate.
 */
public final class MapResize {
    private MapResize() {}

    /**
     * Resizes a float32 map {@code [H, W]} (or a batch {@code [B, H, W]}) to {@code [height, width]}
     * ({@code [B, height, width]}). The result belongs to the input's manager; the input is unchanged.
     */
    public static NDArray toImageSize(NDArray map, int width, int height) {
        Shape shape = map.getShape();
        if (shape.dimension() != 2 && shape.dimension() != 3) {
            throw new IllegalArgumentException("expected a map [H, W] or [B, H, W], got " + shape);
        }
        if (map.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("expected a float32 map, got " + map.getDataType());
        }
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("target size must be positive, got " + width + " x " + height);
        }
        int inH = Math.toIntExact(shape.get(shape.dimension() - 2));
        int inW = Math.toIntExact(shape.getLastDimension());
        if (inH == 0 || inW == 0) {
            throw new IllegalArgumentException("cannot resize an empty map " + shape);
        }
        NDManager owner = map.getManager();
        try (NDManager scope = owner.newSubManager()) {
            NDArray source = map.duplicate();
            source.attach(scope);
            NDArray result = Ops.resizeBilinear(source, height, width);
            result.attach(owner);
            return result;
        }
    }
}
