package com.adclip.synth;

import java.util.ArrayList;
import java.util.List;

/** The boxes of a mask: one per 8-connected component, in scan order of their first pixel. */
final class Boxes {

    /**
     * A defect box: left, top, width, height in pixels (columns x … x+w-1, rows y … y+h-1, the rule of
     * {@code docs/datasets.md}) and the defect type.
     */
    record Box(String type, int x, int y, int w, int h) {}

    private Boxes() {}

    static List<Box> of(boolean[] mask, int width, int height, String type) {
        int[] label = new int[mask.length];
        int[] stack = new int[mask.length];
        List<Box> out = new ArrayList<>();
        for (int start = 0; start < mask.length; start++) {
            if (!mask[start] || label[start] != 0) {
                continue;
            }
            int id = out.size() + 1;
            int x0 = Integer.MAX_VALUE;
            int y0 = Integer.MAX_VALUE;
            int x1 = -1;
            int y1 = -1;
            int top = 0;
            stack[top++] = start;
            label[start] = id;
            while (top > 0) {
                int i = stack[--top];
                int x = i % width;
                int y = i / width;
                x0 = Math.min(x0, x);
                y0 = Math.min(y0, y);
                x1 = Math.max(x1, x);
                y1 = Math.max(y1, y);
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        int nx = x + dx;
                        int ny = y + dy;
                        if (nx >= 0 && ny >= 0 && nx < width && ny < height) {
                            int j = ny * width + nx;
                            if (mask[j] && label[j] == 0) {
                                label[j] = id;
                                stack[top++] = j;
                            }
                        }
                    }
                }
            }
            out.add(new Box(type, x0, y0, x1 - x0 + 1, y1 - y0 + 1));
        }
        return out;
    }
}
