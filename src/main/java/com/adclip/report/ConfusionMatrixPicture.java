package com.adclip.report;

import com.adclip.eval.TypeConfusion;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * The defect-type confusion matrix as a picture, as scikit-learn's {@code ConfusionMatrixDisplay} draws one: a
 * grid with true types down the left and predicted types along the bottom, each cell holding its count. A cell
 * is coloured by its share of the row (white 0 % to dark blue 100 %), so a rare type's row reads as clearly as
 * a common one's; the last column, "unknown", is set apart by a gap. A colour bar sits on the right.
 */
final class ConfusionMatrixPicture {
    /** Dark end of the colour ramp (matplotlib's {@code Blues} at 1). */
    static final Color DARK = new Color(0x08306b);
    private static final int MARGIN = 12;
    private static final int GAP = 6;
    private static final int BAR = 14;
    static final String SUBTITLE = "count per cell; colour = share of the true type's row";

    private ConfusionMatrixPicture() {}

    /** The colour of a row share in [0, 1]: white to {@link #DARK}. */
    static Color colour(double share) {
        double s = Math.max(0, Math.min(1, share));
        return new Color(mix(255, DARK.getRed(), s), mix(255, DARK.getGreen(), s), mix(255, DARK.getBlue(), s));
    }

    private static int mix(int from, int to, double s) {
        return (int) Math.round(from + (to - from) * s);
    }

    /** The side of one cell in pixels for {@code columns} columns: 64 for a few types, down to 26 for many. */
    static int cellSize(int columns) {
        return Math.max(26, Math.min(64, 560 / Math.max(1, columns)));
    }

    /**
     * Draws the matrix.
     *
     * @param title the line above the grid
     */
    static BufferedImage draw(String title, TypeConfusion confusion) {
        List<String> columns = confusion.columns();
        List<String> rows = confusion.types();
        Grid grid = Grid.of(confusion);
        int cell = grid.cell();
        int left = grid.left();
        int top = grid.top();
        Font label = labelFont(cell);
        Font count = new Font(Font.SANS_SERIF, Font.BOLD, cell >= 40 ? 14 : 11);
        Font heading = HEADING;
        FontMetrics lm = metrics(label);
        int columnLabels = columns.stream().mapToInt(lm::stringWidth).max().orElse(0);
        boolean slanted = columns.stream().anyMatch(c -> lm.stringWidth(c) > cell - 4);
        int columnSpace = slanted ? (int) Math.ceil(columnLabels * Math.sqrt(0.5)) + lm.getHeight() : lm.getHeight();
        int gridWidth = cell * columns.size() + GAP;
        int gridHeight = cell * rows.size();
        int slantEnd = 0; // slanted labels run down to the right from under their column
        for (int j = 0; slanted && j < columns.size(); j++) {
            slantEnd = Math.max(slantEnd, grid.x(j) + cell / 2 + (int) Math.ceil(lm.stringWidth(columns.get(j))
                    * Math.sqrt(0.5)) + lm.getHeight() + MARGIN);
        }
        int width = Math.max(Math.max(slantEnd, left + gridWidth + 24 + BAR + 4 + lm.stringWidth("100 %") + MARGIN),
                MARGIN * 2 + Math.max(metrics(heading).stringWidth(title), lm.stringWidth(SUBTITLE)));
        int height = top + gridHeight + 8 + columnSpace + lm.getHeight() + 8 + MARGIN;
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setColor(Color.BLACK);
            g.setFont(heading);
            g.drawString(title, MARGIN, MARGIN + g.getFontMetrics().getAscent());
            g.setFont(label);
            g.setColor(new Color(0x555555));
            g.drawString(SUBTITLE, MARGIN, MARGIN + metrics(heading).getHeight() + lm.getAscent() + 2);
            cells(g, confusion, left, top, cell, count);
            g.setFont(label);
            rowLabels(g, rows, left, top, cell);
            int labelsTop = top + gridHeight + 6;
            columnLabels(g, columns, left, labelsTop, cell, slanted);
            axisTitles(g, left, top, gridWidth, gridHeight, labelsTop + columnSpace + 4);
            colourBar(g, left + gridWidth + 24, top, Math.max(gridHeight, 60));
        } finally {
            g.dispose();
        }
        return out;
    }

    private static final Font HEADING = new Font(Font.SANS_SERIF, Font.BOLD, 15);

    private static Font labelFont(int cell) {
        return new Font(Font.SANS_SERIF, Font.PLAIN, cell >= 40 ? 13 : 11);
    }

    /**
     * Where the cells are: row {@code i}, column {@code j} is the square at ({@link #x}(j), {@link #y}(i)) of side
     * {@code cell}.
     */
    record Grid(int left, int top, int cell, int columns) {
        static Grid of(TypeConfusion confusion) {
            int cell = cellSize(confusion.columns().size());
            FontMetrics lm = metrics(labelFont(cell));
            int rowLabels = confusion.types().stream().mapToInt(lm::stringWidth).max().orElse(0);
            int left = MARGIN + lm.getHeight() + 6 + rowLabels + 8;
            int top = MARGIN + metrics(HEADING).getHeight() + lm.getHeight() + 12;
            return new Grid(left, top, cell, confusion.columns().size());
        }

        int x(int j) {
            return columnX(left, cell, j, columns);
        }

        int y(int i) {
            return top + i * cell;
        }
    }

    private static FontMetrics metrics(Font font) {
        BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scratch.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            return g.getFontMetrics(font);
        } finally {
            g.dispose();
        }
    }

    /** The x of column {@code j}'s left edge: the unknown column (the last) sits {@link #GAP} further right. */
    static int columnX(int left, int cell, int j, int columns) {
        return left + j * cell + (j == columns - 1 ? GAP : 0);
    }

    private static void cells(Graphics2D g, TypeConfusion confusion, int left, int top, int cell, Font font) {
        int columns = confusion.columns().size();
        g.setFont(font);
        FontMetrics m = g.getFontMetrics();
        for (int i = 0; i < confusion.types().size(); i++) {
            long total = confusion.rowTotal(i);
            for (int j = 0; j < columns; j++) {
                long n = confusion.count(i, j);
                double share = total == 0 ? 0 : (double) n / total;
                int x = columnX(left, cell, j, columns);
                int y = top + i * cell;
                g.setColor(colour(share));
                g.fillRect(x, y, cell, cell);
                g.setColor(new Color(0xbbbbbb));
                g.drawRect(x, y, cell, cell);
                String text = Long.toString(n);
                g.setColor(share > 0.5 ? Color.WHITE : n == 0 ? new Color(0x999999) : Color.BLACK);
                g.drawString(text, x + (cell - m.stringWidth(text)) / 2, y + (cell + m.getAscent()) / 2 - 2);
            }
            if (i < confusion.types().size() && i < columns - 1) {
                g.setColor(Color.BLACK); // the diagonal: right answers
                g.setStroke(new BasicStroke(2f));
                g.drawRect(columnX(left, cell, i, columns) + 1, top + i * cell + 1, cell - 2, cell - 2);
                g.setStroke(new BasicStroke(1f));
            }
        }
    }

    private static void rowLabels(Graphics2D g, List<String> rows, int left, int top, int cell) {
        FontMetrics m = g.getFontMetrics();
        g.setColor(Color.BLACK);
        for (int i = 0; i < rows.size(); i++) {
            String s = rows.get(i);
            g.drawString(s, left - 8 - m.stringWidth(s), top + i * cell + (cell + m.getAscent()) / 2 - 2);
        }
    }

    private static void columnLabels(Graphics2D g, List<String> columns, int left, int y, int cell, boolean slanted) {
        FontMetrics m = g.getFontMetrics();
        for (int j = 0; j < columns.size(); j++) {
            String s = columns.get(j);
            boolean unknown = j == columns.size() - 1;
            g.setColor(unknown ? new Color(0x666666) : Color.BLACK);
            int centre = columnX(left, cell, j, columns.size()) + cell / 2;
            if (!slanted) {
                g.drawString(s, centre - m.stringWidth(s) / 2, y + m.getAscent());
                continue;
            }
            AffineTransform saved = g.getTransform();
            g.translate(centre + m.getAscent() / 3.0, y + 4);
            g.rotate(Math.PI / 4); // reading down to the right, starting under the column
            g.drawString(s, 0, 0);
            g.setTransform(saved);
        }
    }

    private static void axisTitles(Graphics2D g, int left, int top, int gridWidth, int gridHeight, int bottom) {
        FontMetrics m = g.getFontMetrics();
        g.setColor(new Color(0x333333));
        String x = "predicted type";
        g.drawString(x, left + (gridWidth - m.stringWidth(x)) / 2, bottom + m.getAscent());
        String y = "true type";
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2);
        g.drawString(y, -(top + (gridHeight + m.stringWidth(y)) / 2), MARGIN + m.getAscent());
        g.setTransform(saved);
    }

    private static void colourBar(Graphics2D g, int x, int top, int height) {
        for (int y = 0; y <= height; y++) {
            g.setColor(colour(1.0 - (double) y / height));
            g.drawLine(x, top + y, x + BAR, top + y);
        }
        g.setColor(Color.DARK_GRAY);
        g.drawRect(x, top, BAR, height);
        FontMetrics m = g.getFontMetrics();
        g.drawString("100 %", x + BAR + 4, top + m.getAscent() - 2);
        g.drawString("0 %", x + BAR + 4, top + height);
    }
}
