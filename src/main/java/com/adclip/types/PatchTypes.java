package com.adclip.types;

/**
 * The network side of defect types for one image, on the G × G patch grid (row-major cells): the text path's
 * P(type | cell) and the visual path's distance of each cell to each type.
 *
 * @param grid G
 * @param text [G² × K] row-major, each cell's probabilities sum to 1
 * @param distance [G² × K] row-major, in [0, 2] ({@link TypePrototypes#NO_ROWS} for a type without prototypes);
 *     null when the bundle has no prototypes
 */
public record PatchTypes(int grid, float[] text, float[] distance) {
    public PatchTypes {
        if (grid < 1 || text.length % (grid * grid) != 0 || (distance != null && distance.length != text.length)) {
            throw new IllegalArgumentException("type arrays do not fit a " + grid + "² grid");
        }
    }

    /** K. */
    public int types() {
        return text.length / (grid * grid);
    }
}
