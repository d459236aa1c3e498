package com.adclip.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * The per-type confusion matrix of the defect-type evaluation, as scikit-learn's {@code confusion_matrix}:
 * rows are ground-truth types, columns predicted types, plus a last column {@link TypeCase#UNKNOWN} for cases the
 * detector called unknown. Rows and the other columns are the same list of types: every name that occurs as a
 * truth or as a prediction, sorted, so a type predicted but never true has an all-zero row and a type never
 * predicted an all-zero column.
 *
 * @param types the row names, sorted; column {@code j < types.size()} is {@code types.get(j)}, the last column
 *     is {@link TypeCase#UNKNOWN}
 * @param counts {@code counts[i][j]}: cases of true type {@code types[i]} predicted as column {@code j}
 */
public record TypeConfusion(List<String> types, long[][] counts) {

    public TypeConfusion {
        types = List.copyOf(types);
        if (counts.length != types.size()) {
            throw new IllegalArgumentException(counts.length + " rows for " + types.size() + " types");
        }
        long[][] copy = new long[counts.length][];
        for (int i = 0; i < counts.length; i++) {
            if (counts[i].length != types.size() + 1) {
                throw new IllegalArgumentException("row " + i + " has " + counts[i].length + " columns, expected "
                        + (types.size() + 1));
            }
            copy[i] = counts[i].clone();
        }
        counts = copy;
    }

    /** The matrix of a list of cases. */
    public static TypeConfusion of(List<TypeCase> cases) {
        return of(cases, List.of());
    }

    /**
     * The matrix of a list of cases, with a row and a column for each of {@code alsoTypes} too (so that two
     * matrices of the same data, e.g. images and regions, share their rows and columns).
     */
    public static TypeConfusion of(List<TypeCase> cases, java.util.Collection<String> alsoTypes) {
        TreeSet<String> names = new TreeSet<>(alsoTypes);
        names.remove(TypeCase.UNKNOWN);
        for (TypeCase c : cases) {
            names.add(c.truth());
            if (!c.predicted().equals(TypeCase.UNKNOWN)) {
                names.add(c.predicted());
            }
        }
        List<String> types = new ArrayList<>(names);
        long[][] counts = new long[types.size()][types.size() + 1];
        for (TypeCase c : cases) {
            int row = types.indexOf(c.truth());
            int column = c.predicted().equals(TypeCase.UNKNOWN) ? types.size() : types.indexOf(c.predicted());
            counts[row][column]++;
        }
        return new TypeConfusion(types, counts);
    }

    /** The column names: the types, then {@link TypeCase#UNKNOWN}. */
    public List<String> columns() {
        List<String> out = new ArrayList<>(types);
        out.add(TypeCase.UNKNOWN);
        return out;
    }

    /** {@code counts[row][column]} (a copy is never needed for reading one cell). */
    public long count(int row, int column) {
        return counts[row][column];
    }

    /** Cases whose truth is {@code types[row]} (the type's support). */
    public long rowTotal(int row) {
        return Arrays.stream(counts[row]).sum();
    }

    /** Cases predicted as column {@code column}. */
    public long columnTotal(int column) {
        long sum = 0;
        for (long[] row : counts) {
            sum += row[column];
        }
        return sum;
    }

    /** All cases. */
    public long total() {
        long sum = 0;
        for (int i = 0; i < counts.length; i++) {
            sum += rowTotal(i);
        }
        return sum;
    }

    /** Cases on the diagonal (predicted type = true type). */
    public long correct() {
        long sum = 0;
        for (int i = 0; i < counts.length; i++) {
            sum += counts[i][i];
        }
        return sum;
    }

    @Override
    public long[][] counts() {
        long[][] copy = new long[counts.length][];
        for (int i = 0; i < counts.length; i++) {
            copy[i] = counts[i].clone();
        }
        return copy;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TypeConfusion other && types.equals(other.types)
                && Arrays.deepEquals(counts, other.counts);
    }

    @Override
    public int hashCode() {
        return 31 * types.hashCode() + Arrays.deepHashCode(counts);
    }

    @Override
    public String toString() {
        return "TypeConfusion" + types + Arrays.deepToString(counts);
    }
}
