package com.adclip.torchscript;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a TorchScript archive holding one module, {@code __torch__.<className>}, whose attributes are float
 * tensors: the layout {@code torch.jit.save} produces and {@code torch.jit.load} / DJL read.
 *
 * <pre>
 * NAME/data.pkl            the module object: GLOBAL '__torch__ CLASS', NEWOBJ, {attribute: value}, BUILD
 * NAME/code/__torch__.py   the class's TorchScript source (libtorch compiles it when loading)
 * NAME/constants.pkl       an empty tuple (no tensor constants in the code)
 * NAME/version             the file format version
 * NAME/data/N              one storage per tensor, little-endian, 64-byte aligned
 * </pre>
 *
 * <p>Tensors are streamed into the zip as they are added; {@link #close} writes the pickle and the code.
 * Storages are zip entries stored without compression, like torch's own writer.
 */
public final class TorchScriptWriter implements AutoCloseable {
    /**
     * The archive format version. Version 3 would make libtorch apply its "upgraders" (old semantics of
     * {@code aten::div} and a few others); torch 2.x writes 3 only when no upgraded op is used. We use no such
     * op, and 6 is well inside the range libtorch 1.13–2.7 reads.
     */
    static final String FORMAT_VERSION = "6";
    private static final int ALIGNMENT = 64;
    /** Values per chunk when streaming a tensor. */
    private static final int CHUNK = 1 << 16;

    private final String name;
    private final String className;
    private final CountingStream counter;
    private final ZipOutputStream zip;
    private final List<Attribute> attributes = new ArrayList<>();
    private String source;
    private int storages;

    private record Attribute(String name, String storageKey, StorageType type, long[] shape) {}

    /**
     * @param file the archive to create (replaced if present)
     * @param className the module class, defined in the source given to {@link #source}
     */
    public TorchScriptWriter(Path file, String className) throws IOException {
        this.name = archiveName(file);
        this.className = className;
        this.counter = new CountingStream(Files.newOutputStream(file));
        this.zip = new ZipOutputStream(counter);
        zip.setMethod(ZipOutputStream.STORED);
    }

    /** The complete {@code code/__torch__.py}: the class {@code className} and anything it needs. */
    public TorchScriptWriter source(String code) {
        this.source = code;
        return this;
    }

    /** Adds a tensor attribute of the module: {@code values} in row-major order of {@code shape}. */
    public TorchScriptWriter tensor(String attribute, float[] values, long[] shape, StorageType type)
            throws IOException {
        if (type == StorageType.FLOAT64) {
            throw new IllegalArgumentException(attribute + ": float64 tensors take double values");
        }
        check(attribute, values.length, shape);
        String key = Integer.toString(storages++);
        entry(name + "/data/" + key, encode(values, type));
        attributes.add(new Attribute(attribute, key, type, shape.clone()));
        return this;
    }

    /**
     * Adds a tensor attribute from float32 values in native (little-endian) byte order, e.g. a view of a
     * libtorch tensor's memory: streamed into the archive in small chunks (twice: once for the checksum), so no
     * copy of the whole tensor is made on the Java heap.
     */
    public TorchScriptWriter tensor(String attribute, ByteBuffer float32, long[] shape, StorageType type)
            throws IOException {
        if (type == StorageType.FLOAT64) {
            throw new IllegalArgumentException(attribute + ": float64 tensors take double values");
        }
        FloatBuffer values = float32.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        check(attribute, values.remaining(), shape);
        String key = Integer.toString(storages++);
        CRC32 crc = new CRC32();
        chunks(values, type, crc::update);
        long size = (long) values.remaining() * type.bytesPerElement();
        begin(name + "/data/" + key, size, crc.getValue());
        chunks(values, type, zip::write);
        zip.closeEntry();
        attributes.add(new Attribute(attribute, key, type, shape.clone()));
        return this;
    }

    /** Where encoded chunks go. */
    private interface ChunkSink {
        void accept(byte[] bytes, int offset, int length) throws IOException;
    }

    private static void chunks(FloatBuffer source, StorageType type, ChunkSink sink) throws IOException {
        FloatBuffer values = source.duplicate();
        float[] floats = new float[CHUNK];
        ByteBuffer bytes = ByteBuffer.allocate(CHUNK * type.bytesPerElement()).order(ByteOrder.LITTLE_ENDIAN);
        while (values.hasRemaining()) {
            int n = Math.min(CHUNK, values.remaining());
            values.get(floats, 0, n);
            bytes.clear();
            encode(floats, n, type, bytes);
            sink.accept(bytes.array(), 0, bytes.position());
        }
    }

    /** Adds a float64 tensor attribute: {@code values} in row-major order of {@code shape}. */
    public TorchScriptWriter tensor(String attribute, double[] values, long[] shape) throws IOException {
        check(attribute, values.length, shape);
        String key = Integer.toString(storages++);
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asDoubleBuffer().put(values);
        entry(name + "/data/" + key, buffer.array());
        attributes.add(new Attribute(attribute, key, StorageType.FLOAT64, shape.clone()));
        return this;
    }

    private static void check(String attribute, int count, long[] shape) {
        long numel = 1;
        for (long d : shape) {
            numel *= d;
        }
        if (numel != count) {
            throw new IllegalArgumentException(attribute + ": " + count + " values for shape "
                    + java.util.Arrays.toString(shape));
        }
    }

    @Override
    public void close() throws IOException {
        try {
            if (source == null) {
                throw new IllegalStateException("no TorchScript source for " + className);
            }
            entry(name + "/data.pkl", modulePickle());
            entry(name + "/code/__torch__.py", source.getBytes(StandardCharsets.UTF_8));
            entry(name + "/constants.pkl", new PickleWriter().emptyTuple().stop());
            entry(name + "/version", (FORMAT_VERSION + "\n").getBytes(StandardCharsets.US_ASCII));
        } finally {
            zip.close();
        }
    }

    /** {@code __torch__.CLASS} object with {@code training=False} and every tensor attribute. */
    private byte[] modulePickle() {
        PickleWriter p = new PickleWriter();
        p.global("__torch__", className).emptyTuple().newObj();
        p.emptyDict().mark();
        p.string("training").bool(false);
        for (Attribute a : attributes) {
            p.string(a.name());
            tensorPickle(p, a);
        }
        p.setItems().build();
        return p.stop();
    }

    /** {@code torch._utils._rebuild_tensor_v2(storage, 0, size, stride, False, OrderedDict())}. */
    private static void tensorPickle(PickleWriter p, Attribute a) {
        long numel = 1;
        for (long d : a.shape()) {
            numel *= d;
        }
        p.global("torch._utils", "_rebuild_tensor_v2").mark();
        p.mark().string("storage").global("torch", a.type().pickleName()).string(a.storageKey()).string("cpu")
                .integer(numel).tuple().persistentId();
        p.integer(0);
        p.mark();
        for (long d : a.shape()) {
            p.integer(d);
        }
        p.tuple();
        p.mark();
        long stride = 1;
        long[] strides = new long[a.shape().length];
        for (int i = strides.length - 1; i >= 0; i--) {
            strides[i] = stride;
            stride *= a.shape()[i];
        }
        for (long s : strides) {
            p.integer(s);
        }
        p.tuple();
        p.bool(false);
        p.global("collections", "OrderedDict").emptyTuple().reduce();
        p.tuple().reduce();
    }

    private static byte[] encode(float[] values, StorageType type) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * type.bytesPerElement()).order(ByteOrder.LITTLE_ENDIAN);
        encode(values, values.length, type, buffer);
        return buffer.array();
    }

    /** The first {@code count} values, encoded as {@code type}, appended to {@code buffer}. */
    private static void encode(float[] values, int count, StorageType type, ByteBuffer buffer) {
        for (int i = 0; i < count; i++) {
            float v = values[i];
            switch (type) {
                case FLOAT32 -> buffer.putFloat(v);
                case INT8 -> buffer.put(int8(v));
                case BFLOAT16 -> buffer.putShort(StorageType.toBfloat16(v));
                default -> throw new IllegalArgumentException("not a float storage: " + type);
            }
        }
    }

    private static byte int8(float v) {
        if (v != Math.rint(v) || v < -128 || v > 127) {
            throw new IllegalArgumentException("an int8 storage takes whole numbers in [-128, 127], got " + v);
        }
        return (byte) v;
    }

    /** One stored entry, its data padded to a 64-byte boundary with an extra field, as torch aligns records. */
    private void entry(String entryName, byte[] data) throws IOException {
        CRC32 crc = new CRC32();
        crc.update(data);
        begin(entryName, data.length, crc.getValue());
        zip.write(data);
        zip.closeEntry();
    }

    /** Opens a stored entry of {@code size} bytes, aligned as {@link #entry} does; the caller writes and closes. */
    private void begin(String entryName, long size, long crc) throws IOException {
        byte[] nameBytes = entryName.getBytes(StandardCharsets.UTF_8);
        long dataStart = counter.count + 30 + nameBytes.length + 4;
        int pad = (int) ((ALIGNMENT - dataStart % ALIGNMENT) % ALIGNMENT);
        byte[] extra = new byte[4 + pad];
        extra[0] = 'F';
        extra[1] = 'B';
        extra[2] = (byte) pad;
        extra[3] = (byte) (pad >>> 8);
        ZipEntry e = new ZipEntry(entryName);
        e.setMethod(ZipEntry.STORED);
        e.setSize(size);
        e.setCompressedSize(size);
        e.setCrc(crc);
        e.setTime(946684800000L); // 2000-01-01, a fixed stamp: same inputs, same bytes
        e.setExtra(extra);
        zip.putNextEntry(e);
    }

    /** The record prefix: the file name without extension, reduced to characters torch accepts. */
    private static String archiveName(Path file) {
        String base = file.getFileName().toString();
        int dot = base.lastIndexOf('.');
        String stem = dot > 0 ? base.substring(0, dot) : base;
        String clean = stem.replaceAll("[^A-Za-z0-9_]", "_");
        return clean.isEmpty() ? "archive" : clean;
    }

    /** Counts bytes, so that the writer knows where each record's data will start. */
    private static final class CountingStream extends FilterOutputStream {
        private long count;

        CountingStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
