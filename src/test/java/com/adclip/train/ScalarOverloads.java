package com.adclip.train;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Finds calls of DJL's scalar overloads ({@code mul(Number)}, {@code div(Number)}, ...) in compiled classes, by
 * reading the method references of their constant pool. Each of those overloads wraps the number in a 0-d tensor
 * backed by a JVM direct buffer and closes it at once; inside an autograd graph backward may then read freed
 * memory. Reading bytecode is exact where a source scan would guess at argument types.
 */
final class ScalarOverloads {
    /** Owners whose methods with a {@code Number} parameter build such a temporary. */
    private static final Set<String> OWNERS = Set.of("ai/djl/ndarray/NDArray", "ai/djl/pytorch/engine/PtNDArray",
            "ai/djl/ndarray/NDArrays", "ai/djl/ndarray/internal/NDArrayEx", "ai/djl/pytorch/engine/PtNDArrayEx");
    /** Overloads that pass the number to libtorch as a C++ scalar (no tensor made from a JVM buffer). */
    private static final Set<String> NATIVE_SCALARS = Set.of("clip", "percentile");

    private ScalarOverloads() {}

    /** The scalar overloads referenced by one class file. */
    static List<String> calledIn(byte[] classFile) {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(classFile))) {
            return scan(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> scan(DataInputStream in) throws IOException {
        in.readInt(); // magic
        in.readUnsignedShort(); // minor
        in.readUnsignedShort(); // major
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        int[] classNames = new int[count];
        int[][] refs = new int[count][];
        int[][] nameTypes = new int[count][];
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF();
                case 7 -> classNames[i] = in.readUnsignedShort();
                case 8, 16, 19, 20 -> in.readUnsignedShort();
                case 3, 4 -> in.readInt();
                case 5, 6 -> {
                    in.readLong();
                    i++;
                }
                case 9, 10, 11 -> refs[i] = new int[] {tag, in.readUnsignedShort(), in.readUnsignedShort()};
                case 12 -> nameTypes[i] = new int[] {in.readUnsignedShort(), in.readUnsignedShort()};
                case 15 -> {
                    in.readUnsignedByte();
                    in.readUnsignedShort();
                }
                case 17, 18 -> in.readInt();
                default -> throw new IOException("unknown constant pool tag " + tag);
            }
        }
        List<String> found = new ArrayList<>();
        for (int[] ref : refs) {
            if (ref == null || ref[0] == 9) {
                continue;
            }
            String owner = utf8[classNames[ref[1]]];
            String name = utf8[nameTypes[ref[2]][0]];
            String descriptor = utf8[nameTypes[ref[2]][1]];
            String parameters = descriptor.substring(0, descriptor.indexOf(')') + 1);
            if (OWNERS.contains(owner) && parameters.contains("Ljava/lang/Number;")
                    && !NATIVE_SCALARS.contains(name)) {
                found.add(owner + "." + name + descriptor);
            }
        }
        return found;
    }
}
