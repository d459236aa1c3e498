package com.adclip.torchscript;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The few pickle (protocol 2) opcodes that a TorchScript {@code data.pkl} needs, written by hand: libtorch's
 * unpickler accepts exactly what its own pickler writes, so we write the same opcodes.
 */
final class PickleWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    PickleWriter() {
        out.write(0x80); // PROTO
        out.write(2);
    }

    PickleWriter global(String module, String name) {
        out.write('c');
        ascii(module + "\n" + name + "\n");
        return this;
    }

    PickleWriter mark() {
        out.write('(');
        return this;
    }

    PickleWriter tuple() {
        out.write('t');
        return this;
    }

    PickleWriter emptyTuple() {
        out.write(')');
        return this;
    }

    PickleWriter emptyDict() {
        out.write('}');
        return this;
    }

    PickleWriter emptyList() {
        out.write(']');
        return this;
    }

    PickleWriter appends() {
        out.write('e');
        return this;
    }

    PickleWriter setItems() {
        out.write('u');
        return this;
    }

    PickleWriter newObj() {
        out.write(0x81);
        return this;
    }

    PickleWriter build() {
        out.write('b');
        return this;
    }

    PickleWriter reduce() {
        out.write('R');
        return this;
    }

    PickleWriter persistentId() {
        out.write('Q');
        return this;
    }

    PickleWriter bool(boolean value) {
        out.write(value ? 0x88 : 0x89);
        return this;
    }

    /** BININT (4-byte signed) or LONG1 for values beyond it. */
    PickleWriter integer(long value) {
        if (value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE) {
            out.write('J');
            littleEndian(value, 4);
        } else {
            out.write(0x8a); // LONG1
            out.write(8);
            littleEndian(value, 8);
        }
        return this;
    }

    /** BINFLOAT: an 8-byte big-endian double. */
    PickleWriter real(double value) {
        out.write('G');
        long bits = Double.doubleToLongBits(value);
        for (int shift = 56; shift >= 0; shift -= 8) {
            out.write((int) (bits >>> shift) & 0xff);
        }
        return this;
    }

    PickleWriter string(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.write('X'); // BINUNICODE
        littleEndian(bytes.length, 4);
        out.writeBytes(bytes);
        return this;
    }

    byte[] stop() {
        out.write('.');
        return out.toByteArray();
    }

    private void ascii(String text) {
        out.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
    }

    private void littleEndian(long value, int bytes) {
        for (int i = 0; i < bytes; i++) {
            out.write((int) (value >>> (8 * i)) & 0xff);
        }
    }
}
