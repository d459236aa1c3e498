package com.adclip.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.adclip.AdclipException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A safetensors file: an 8-byte little-endian header length, a JSON header naming every tensor's dtype, shape
 * and byte range, then the raw little-endian data. The header is parsed here (not by a library) so that every
 * error names the file and the key or byte offset. Tensor data is memory-mapped and copied into libtorch
 * memory as float32.
 */
final class SafetensorsFile {

    /** Larger headers are not safetensors (the reference implementation caps them at 100 MB). */
    static final long MAX_HEADER = 100_000_000L;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Integer> DTYPE_BYTES = Map.ofEntries(
            Map.entry("BOOL", 1), Map.entry("U8", 1), Map.entry("I8", 1), Map.entry("F8_E5M2", 1),
            Map.entry("F8_E4M3", 1), Map.entry("I16", 2), Map.entry("U16", 2), Map.entry("F16", 2),
            Map.entry("BF16", 2), Map.entry("I32", 4), Map.entry("U32", 4), Map.entry("F32", 4),
            Map.entry("I64", 8), Map.entry("U64", 8), Map.entry("F64", 8));

    /** One tensor of the header; {@code begin}/{@code end} are relative to the data section. */
    record Entry(String name, String dtype, Shape shape, long begin, long end) {}

    private final Path path;
    private final long dataStart;
    private final Map<String, Entry> entries;

    private SafetensorsFile(Path path, long dataStart, Map<String, Entry> entries) {
        this.path = path;
        this.dataStart = dataStart;
        this.entries = entries;
    }

    /**
     * Whether the first bytes look like a safetensors header: a plausible length, then a JSON object (or
     * nothing, for a file cut right after the length, so that it is reported as truncated).
     */
    static boolean looksLike(byte[] head, int count) {
        if (count < 8) {
            return false;
        }
        long headerLength = ByteBuffer.wrap(head, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return headerLength > 1 && headerLength <= MAX_HEADER && (count == 8 || head[8] == '{');
    }

    /** Parses and checks the header: every tensor's byte range must fit its dtype and shape, and the file. */
    static SafetensorsFile open(Path path) {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < 8) {
                throw error(path, "truncated file: " + size + " bytes, shorter than the 8-byte header length");
            }
            ByteBuffer lengthBytes = readFully(channel, 0, 8, path);
            long headerLength = lengthBytes.order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (headerLength <= 0 || headerLength > MAX_HEADER) {
                throw error(path, "not a safetensors file: header length " + Long.toUnsignedString(headerLength)
                        + " at byte offset 0 is implausible");
            }
            if (8 + headerLength > size) {
                throw error(path, "truncated file: the header needs bytes 8 to " + (8 + headerLength)
                        + " but the file ends at byte offset " + size + "; download it again");
            }
            byte[] header = new byte[(int) headerLength];
            readFully(channel, 8, (int) headerLength, path).get(header);
            long dataStart = 8 + headerLength;
            Map<String, Entry> entries = parseHeader(path, header, dataStart, size - dataStart);
            return new SafetensorsFile(path, dataStart, entries);
        } catch (IOException e) {
            throw error(path, "cannot read the file: " + e.getMessage(), e);
        }
    }

    Path path() {
        return path;
    }

    /** Every tensor, in header order. */
    Map<String, Entry> entries() {
        return entries;
    }

    /** Shapes of every tensor, in header order. */
    Map<String, Shape> shapes() {
        Map<String, Shape> shapes = new LinkedHashMap<>();
        entries.forEach((name, entry) -> shapes.put(name, entry.shape()));
        return shapes;
    }

    /**
     * Reads one tensor as float32 into memory owned by libtorch and {@code manager} (F32, F16, BF16, F64).
     *
     * @throws AdclipException for other dtypes
     */
    NDArray readFloat32(String name, NDManager manager) {
        Entry entry = entries.get(name);
        if (entry == null) {
            throw error(path, "no tensor '" + name + "'");
        }
        long length = entry.end() - entry.begin();
        if (length > Integer.MAX_VALUE) {
            throw error(path, "tensor '" + name + "' is " + length + " bytes, larger than the 2 GiB supported");
        }
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, dataStart + entry.begin(), length);
            mapped.order(ByteOrder.LITTLE_ENDIAN);
            try {
                return toFloat32(entry, mapped, manager);
            } finally {
                Reference.reachabilityFence(mapped);
            }
        } catch (IOException e) {
            throw error(path, "cannot read tensor '" + name + "' at byte offset " + (dataStart + entry.begin())
                    + ": " + e.getMessage(), e);
        }
    }

    private NDArray toFloat32(Entry entry, ByteBuffer data, NDManager manager) {
        switch (entry.dtype()) {
            case "F32":
                return owned(data, entry.shape(), DataType.FLOAT32, manager);
            case "F16":
                return owned(data, entry.shape(), DataType.FLOAT16, manager);
            case "F64":
                return owned(data, entry.shape(), DataType.FLOAT64, manager);
            case "BF16":
                return owned(bf16ToF32(data), entry.shape(), DataType.FLOAT32, manager);
            default:
                throw error(path, "tensor '" + entry.name() + "' has dtype " + entry.dtype()
                        + "; only F32, F16, BF16 and F64 weights are supported");
        }
    }

    /**
     * Wraps the bytes without copying (DJL's from_blob), then copies into libtorch-owned float32 memory so the
     * result never refers to the mapped file.
     */
    private static NDArray owned(ByteBuffer data, Shape shape, DataType type, NDManager manager) {
        try (NDArray view = manager.create(data, shape, type)) {
            return type == DataType.FLOAT32 ? view.duplicate() : view.toType(DataType.FLOAT32, true);
        }
    }

    /** bfloat16 is the upper half of a float32: shift the bits left by 16. */
    private static ByteBuffer bf16ToF32(ByteBuffer data) {
        int count = data.remaining() / 2;
        ByteBuffer out = ByteBuffer.allocateDirect(count * 4).order(ByteOrder.nativeOrder());
        for (int i = 0; i < count; i++) {
            int bits = Short.toUnsignedInt(data.getShort(data.position() + 2 * i)) << 16;
            out.putInt(bits);
        }
        out.flip();
        return out;
    }

    private static Map<String, Entry> parseHeader(Path path, byte[] header, long dataStart, long dataSize) {
        JsonNode root;
        try {
            root = JSON.readTree(header);
        } catch (JsonProcessingException e) {
            long offset = 8 + Math.max(0, e.getLocation() == null ? 0 : e.getLocation().getByteOffset());
            throw error(path, "corrupt header: invalid JSON at byte offset " + offset + " ("
                    + e.getOriginalMessage() + "); the file is damaged or not safetensors", e);
        } catch (IOException e) {
            throw error(path, "unreadable header: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw error(path, "corrupt header at byte offset 8: not a JSON object");
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!"__metadata__".equals(field.getKey())) {
                Entry entry = parseEntry(path, field.getKey(), field.getValue());
                checkRange(path, entry, dataStart, dataSize);
                entries.put(entry.name(), entry);
            }
        }
        return Collections.unmodifiableMap(entries);
    }

    private static Entry parseEntry(Path path, String name, JsonNode node) {
        JsonNode dtype = node.get("dtype");
        JsonNode shape = node.get("shape");
        JsonNode offsets = node.get("data_offsets");
        if (dtype == null || !dtype.isTextual() || shape == null || !shape.isArray() || offsets == null
                || !offsets.isArray() || offsets.size() != 2) {
            throw error(path, "corrupt header entry for tensor '" + name
                    + "': it needs a dtype, a shape and two data_offsets");
        }
        if (!DTYPE_BYTES.containsKey(dtype.asText())) {
            throw error(path, "tensor '" + name + "' has unknown dtype '" + dtype.asText() + "'");
        }
        long[] dims = new long[shape.size()];
        for (int i = 0; i < dims.length; i++) {
            if (!shape.get(i).canConvertToLong() || shape.get(i).asLong() < 0) {
                throw error(path, "tensor '" + name + "' has an invalid shape " + shape);
            }
            dims[i] = shape.get(i).asLong();
        }
        return new Entry(name, dtype.asText(), new Shape(dims), offsets.get(0).asLong(-1),
                offsets.get(1).asLong(-1));
    }

    private static void checkRange(Path path, Entry entry, long dataStart, long dataSize) {
        if (entry.begin() < 0 || entry.end() < entry.begin()) {
            throw error(path, "tensor '" + entry.name() + "' has invalid data_offsets [" + entry.begin() + ", "
                    + entry.end() + "]");
        }
        long expected = entry.shape().size() * DTYPE_BYTES.get(entry.dtype());
        if (entry.end() - entry.begin() != expected) {
            throw error(path, "tensor '" + entry.name() + "' (" + entry.dtype() + " " + entry.shape() + ") needs "
                    + expected + " bytes but its data_offsets [" + entry.begin() + ", " + entry.end() + "] span "
                    + (entry.end() - entry.begin()));
        }
        if (entry.end() > dataSize) {
            throw error(path, "truncated file: tensor '" + entry.name() + "' ends at byte offset "
                    + (dataStart + entry.end()) + " but the file ends at byte offset " + (dataStart + dataSize)
                    + "; download it again");
        }
    }

    private static ByteBuffer readFully(FileChannel channel, long position, int length, Path path)
            throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw error(path, "truncated file: it ends at byte offset " + (position + buffer.position()));
            }
        }
        buffer.flip();
        return buffer;
    }

    private static AdclipException error(Path path, String problem) {
        return WeightsChecks.error(path, problem);
    }

    private static AdclipException error(Path path, String problem, Throwable cause) {
        return WeightsChecks.error(path, problem, cause);
    }
}
