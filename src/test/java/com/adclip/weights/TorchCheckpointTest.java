package com.adclip.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.adclip.AdclipException;
import com.adclip.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TorchCheckpointTest {
    @TempDir
    Path tmp;

    private static Path goldenCheckpoint() {
        return Fixtures.goldenV1().resolve("prompt-learner.pth");
    }

    @Test
    void promptLearnerMatchesTheReferenceArrays() {
        Path golden = Fixtures.goldenV1();
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> expected = new LinkedHashMap<>();
            Fixtures.npz(manager, golden.resolve("expected.npz")).forEach((name, array) -> {
                if (name.startsWith("learner/")) {
                    expected.put(name.substring("learner/".length()), array);
                }
            });
            assertTrue(expected.size() >= 10, expected.keySet().toString());

            Map<String, NDArray> state = TorchCheckpoint.readStateDict(goldenCheckpoint(), manager, "prompt_learner");
            assertEquals(new TreeSet<>(expected.keySet()), new TreeSet<>(state.keySet()));
            for (Map.Entry<String, NDArray> e : expected.entrySet()) {
                NDArray actual = state.get(e.getKey());
                String name = e.getKey();
                assertEquals(name, actual.getName());
                assertArrayEquals(e.getValue().getShape().getShape(), actual.getShape().getShape(), name);
                if (name.startsWith("tokenized_prompts")) {
                    assertTrue(actual.getDataType().isInteger(), name + " is " + actual.getDataType());
                } else {
                    assertEquals(DataType.FLOAT32, actual.getDataType(), name);
                }
                assertArrayEquals(e.getValue().toType(DataType.FLOAT32, false).toFloatArray(),
                        actual.toType(DataType.FLOAT32, false).toFloatArray(), name);
            }
        }
    }

    @Test
    void readFlattensFromTheTopLevelDict() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> all = TorchCheckpoint.read(goldenCheckpoint(), manager);
            Map<String, NDArray> state = TorchCheckpoint.readStateDict(goldenCheckpoint(), manager, "prompt_learner");
            assertEquals(state.keySet().stream().map(k -> "prompt_learner." + k).toList(),
                    all.keySet().stream().toList());
            assertTrue(all.containsKey("prompt_learner.compound_prompt_projections.1.bias"), all.keySet().toString());
            // file order is kept (the reference's state_dict order starts with the learnable contexts)
            assertEquals("ctx_pos", state.keySet().iterator().next());
        }
    }

    @Test
    void missingTopKeyIsNamed() {
        try (NDManager manager = NDManager.newBaseManager()) {
            AdclipException e = assertThrows(AdclipException.class,
                    () -> TorchCheckpoint.readStateDict(goldenCheckpoint(), manager, "model"));
            assertMessage(e, goldenCheckpoint(), "no key 'model'", "prompt_learner");
        }
    }

    @Test
    void truncatedCopiesAreRejectedNamingTheLostStorage() throws IOException {
        byte[] whole = Files.readAllBytes(goldenCheckpoint());
        Path half = tmp.resolve("half.pth");
        Files.write(half, Arrays.copyOf(whole, whole.length / 2));
        try (NDManager manager = NDManager.newBaseManager()) {
            AdclipException e = assertThrows(AdclipException.class, () -> TorchCheckpoint.read(half, manager));
            assertMessage(e, half, "truncated", "storage '");

            Path tiny = tmp.resolve("tiny.pth");
            Files.write(tiny, Arrays.copyOf(whole, 100));
            e = assertThrows(AdclipException.class, () -> TorchCheckpoint.read(tiny, manager));
            assertMessage(e, tiny, "truncated", "data.pkl");

            Path lastByteMissing = tmp.resolve("last-byte-missing.pth");
            Files.write(lastByteMissing, Arrays.copyOf(whole, whole.length - 1));
            e = assertThrows(AdclipException.class, () -> TorchCheckpoint.read(lastByteMissing, manager));
            assertMessage(e, lastByteMissing, "truncated", "central directory");
        }
    }

    @Test
    void nonCheckpointFilesAreRejected() throws IOException {
        Path empty = Files.write(tmp.resolve("empty.pth"), new byte[0]);
        Path text = Files.writeString(tmp.resolve("text.pth"), "hello, not a checkpoint\n");
        // legacy torch.save: a bare pickle starting with the magic number 0x1950a86a20f9469cfc6c as LONG1
        Path legacy = Files.write(tmp.resolve("legacy.pth"), new byte[] {(byte) 0x80, 0x02, (byte) 0x8a, 0x0a,
            0x6c, (byte) 0xfc, (byte) 0x9c, 0x46, (byte) 0xf9, 0x20, 0x6a, (byte) 0xa8, 0x50, 0x19, 0x2e});
        Path noPickle = writeZip("no-pickle.pth", Map.of("archive/version", "3\n".getBytes(StandardCharsets.US_ASCII)));
        try (NDManager manager = NDManager.newBaseManager()) {
            assertMessage(assertThrows(AdclipException.class, () -> TorchCheckpoint.read(empty, manager)),
                    empty, "empty");
            assertMessage(assertThrows(AdclipException.class, () -> TorchCheckpoint.read(text, manager)),
                    text, "not a zip archive");
            assertMessage(assertThrows(AdclipException.class, () -> TorchCheckpoint.read(legacy, manager)),
                    legacy, "legacy", "_use_new_zipfile_serialization=True");
            assertMessage(assertThrows(AdclipException.class, () -> TorchCheckpoint.read(noPickle, manager)),
                    noPickle, "data.pkl");
            Path absent = tmp.resolve("absent.pth");
            assertMessage(assertThrows(AdclipException.class, () -> TorchCheckpoint.read(absent, manager)),
                    absent, "not found");
        }
    }

    @Test
    void globalsOutsideTheAllowListAreRefused() throws IOException {
        // protocol 2: GLOBAL 'os system', ('echo pwned',), REDUCE
        Path osSystem = checkpoint("os-system.pth", new Pickle().global("os", "system").str("echo pwned")
                .tuple1().reduce(), Map.of());
        // protocol 4: STACK_GLOBAL builtins.eval
        Path eval = checkpoint("eval.pth", new Pickle(4).str("builtins").str("eval").op(0x93).str("1+1")
                .tuple1().reduce(), Map.of());
        // a global the pickle library itself would happily construct
        Path bytearray = checkpoint("bytearray.pth", new Pickle().global("__builtin__", "bytearray")
                .emptyTuple().reduce(), Map.of());
        // INST names its class inline
        Path inst = checkpoint("inst.pth", new Pickle().mark().op('i').ascii("subprocess\nPopen\n"), Map.of());
        try (NDManager manager = NDManager.newBaseManager()) {
            assertRefused(osSystem, "os.system", manager);
            assertRefused(eval, "builtins.eval", manager);
            assertRefused(bytearray, "__builtin__.bytearray", manager);
            assertRefused(inst, "subprocess.Popen", manager);
        }
    }

    @Test
    void dtypesOffsetsAndStridesOfAHandBuiltCheckpoint() throws IOException {
        Map<String, byte[]> storages = new LinkedHashMap<>();
        storages.put("0", bytes(ByteOrder.LITTLE_ENDIAN, b -> {
            for (short h : new short[] {0x3c00, (short) 0xc000, 0x3800, 0x0000, 0x7bff, 0x3555}) {
                b.putShort(h); // 1, -2, 0.5, 0, 65504, 0.333251953125 in fp16
            }
        }));
        storages.put("1", bytes(ByteOrder.LITTLE_ENDIAN, b -> {
            for (long v : new long[] {-1, 99, 1L << 40, -(1L << 33), 7}) {
                b.putLong(v);
            }
        }));
        storages.put("2", bytes(ByteOrder.LITTLE_ENDIAN, b -> {
            for (int i = 0; i < 6; i++) {
                b.putFloat(i + 0.25f);
            }
        }));
        storages.put("3", bytes(ByteOrder.LITTLE_ENDIAN, b -> {
            b.putShort((short) 0x3fc0); // 1.5 in bfloat16
            b.putShort((short) 0xc2f7); // -123.5
        }));
        storages.put("4", new byte[] {1, 0, 1});
        Pickle p = new Pickle().emptyDict()
                .str("sd").global("collections", "OrderedDict").emptyTuple().reduce().mark()
                .str("half").tensor("HalfStorage", "0", 6, 0, new int[] {2, 3}, new int[] {3, 1})
                .str("long_offset").tensor("LongStorage", "1", 5, 2, new int[] {3}, new int[] {1})
                .str("transposed").tensor("FloatStorage", "2", 6, 0, new int[] {3, 2}, new int[] {1, 3})
                .str("strided_offset").tensor("FloatStorage", "2", 6, 1, new int[] {2}, new int[] {3})
                .str("bf16").tensor("BFloat16Storage", "3", 2, 0, new int[] {2}, new int[] {1})
                .str("flags").tensor("BoolStorage", "4", 3, 0, new int[] {3}, new int[] {1})
                .str("param").global("torch._utils", "_rebuild_parameter")
                .tensor("FloatStorage", "2", 6, 5, new int[] {}, new int[] {}).newFalse()
                .global("collections", "OrderedDict").emptyTuple().reduce().tuple3().reduce()
                .op('u').setItem()
                .str("epoch").int1(7).setItem();
        Path file = checkpoint("dtypes.pth", p, storages);
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> t = TorchCheckpoint.read(file, manager);
            assertEquals(java.util.List.of("sd.half", "sd.long_offset", "sd.transposed", "sd.strided_offset",
                    "sd.bf16", "sd.flags", "sd.param"), t.keySet().stream().toList());

            NDArray half = t.get("sd.half");
            assertEquals(DataType.FLOAT16, half.getDataType());
            assertArrayEquals(new long[] {2, 3}, half.getShape().getShape());
            assertArrayEquals(new float[] {1f, -2f, 0.5f, 0f, 65504f, 0.333251953125f},
                    half.toType(DataType.FLOAT32, false).toFloatArray());

            NDArray longs = t.get("sd.long_offset");
            assertEquals(DataType.INT64, longs.getDataType());
            assertArrayEquals(new long[] {1L << 40, -(1L << 33), 7}, longs.toLongArray());

            assertArrayEquals(new float[] {0.25f, 3.25f, 1.25f, 4.25f, 2.25f, 5.25f},
                    t.get("sd.transposed").toFloatArray());
            assertArrayEquals(new long[] {3, 2}, t.get("sd.transposed").getShape().getShape());
            assertArrayEquals(new float[] {1.25f, 4.25f}, t.get("sd.strided_offset").toFloatArray());

            NDArray bf16 = t.get("sd.bf16");
            assertEquals(DataType.FLOAT32, bf16.getDataType());
            assertArrayEquals(new float[] {1.5f, -123.5f}, bf16.toFloatArray());

            NDArray flags = t.get("sd.flags");
            assertEquals(DataType.BOOLEAN, flags.getDataType());
            assertArrayEquals(new boolean[] {true, false, true}, flags.toBooleanArray());

            NDArray param = t.get("sd.param");
            assertEquals(0, param.getShape().dimension());
            assertEquals(5.25f, param.getFloat());
        }
    }

    @Test
    void missingOrShortStorageRecordsAreNamed() throws IOException {
        Pickle p = new Pickle().emptyDict().str("w")
                .tensor("FloatStorage", "0", 4, 0, new int[] {4}, new int[] {1}).setItem();
        Path missing = checkpoint("missing.pth", p, Map.of());
        Path shortRecord = checkpoint("short.pth", p, Map.of("0", new byte[12]));
        Path outOfRange = checkpoint("out-of-range.pth", new Pickle().emptyDict().str("w")
                .tensor("FloatStorage", "0", 4, 2, new int[] {4}, new int[] {1}).setItem(), Map.of("0", new byte[16]));
        try (NDManager manager = NDManager.newBaseManager()) {
            assertMessage(assertThrows(AdclipException.class, () -> TorchCheckpoint.read(missing, manager)),
                    missing, "storage '0'", "'w'", "missing");
            assertMessage(assertThrows(AdclipException.class, () -> TorchCheckpoint.read(shortRecord, manager)),
                    shortRecord, "storage '0'", "too short", "12 bytes");
            assertMessage(assertThrows(AdclipException.class, () -> TorchCheckpoint.read(outOfRange, manager)),
                    outOfRange, "'w'", "past the end of storage '0'");
        }
    }

    @Test
    void bigEndianCheckpointsAreSwapped() throws IOException {
        Pickle p = new Pickle().emptyDict().str("w")
                .tensor("FloatStorage", "0", 2, 0, new int[] {2}, new int[] {1}).setItem();
        Map<String, byte[]> records = new LinkedHashMap<>();
        records.put("0", bytes(ByteOrder.BIG_ENDIAN, b -> b.putFloat(1.5f).putFloat(-3f)));
        Path file = checkpoint("big.pth", p, records);
        addRecord(file, "archive/byteorder", "big".getBytes(StandardCharsets.US_ASCII));
        try (NDManager manager = NDManager.newBaseManager()) {
            assertArrayEquals(new float[] {1.5f, -3f}, TorchCheckpoint.read(file, manager).get("w").toFloatArray());
        }
    }

    private static void assertRefused(Path file, String global, NDManager manager) {
        AdclipException e = assertThrows(AdclipException.class, () -> TorchCheckpoint.read(file, manager));
        assertMessage(e, file, "'" + global + "'", "not allowed");
    }

    private static void assertMessage(AdclipException e, Path file, String... parts) {
        String message = e.getMessage();
        assertTrue(message.contains(file.toString()), message);
        assertTrue(!message.contains("\n"), message);
        for (String part : parts) {
            assertTrue(message.contains(part), "expected '" + part + "' in: " + message);
        }
    }

    private static byte[] bytes(ByteOrder order, Consumer<ByteBuffer> fill) {
        ByteBuffer b = ByteBuffer.allocate(1024).order(order);
        fill.accept(b);
        return Arrays.copyOf(b.array(), b.position());
    }

    private Path checkpoint(String name, Pickle pickle, Map<String, byte[]> storages) throws IOException {
        Map<String, byte[]> records = new LinkedHashMap<>();
        records.put("archive/data.pkl", pickle.stop());
        storages.forEach((key, data) -> records.put("archive/data/" + key, data));
        records.put("archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        return writeZip(name, records);
    }

    private Path writeZip(String name, Map<String, byte[]> records) throws IOException {
        Path file = tmp.resolve(name);
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> r : records.entrySet()) {
                zip.putNextEntry(new ZipEntry(r.getKey()));
                zip.write(r.getValue());
                zip.closeEntry();
            }
        }
        return file;
    }

    private static void addRecord(Path zipFile, String name, byte[] data) throws IOException {
        Map<String, byte[]> records = new LinkedHashMap<>();
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(zipFile.toFile())) {
            for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                records.put(e.getName(), zip.getInputStream(e).readAllBytes());
            }
        }
        records.put(name, data);
        try (OutputStream out = Files.newOutputStream(zipFile); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> r : records.entrySet()) {
                zip.putNextEntry(new ZipEntry(r.getKey()));
                zip.write(r.getValue());
                zip.closeEntry();
            }
        }
    }

    /** Hand-assembled pickle opcodes, as torch.save (protocol 2) writes them. */
    private static final class Pickle {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Pickle() {
            this(2);
        }

        Pickle(int protocol) {
            op(0x80).op(protocol);
        }

        Pickle op(int code) {
            out.write(code);
            return this;
        }

        Pickle ascii(String text) {
            out.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
            return this;
        }

        Pickle global(String module, String name) {
            return op('c').ascii(module + "\n" + name + "\n");
        }

        Pickle str(String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            op('X');
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(utf8.length).array());
            out.writeBytes(utf8);
            return this;
        }

        Pickle int1(int v) {
            return op('K').op(v);
        }

        Pickle mark() {
            return op('(');
        }

        Pickle tuple() {
            return op('t');
        }

        Pickle tuple1() {
            return op(0x85);
        }

        Pickle tuple3() {
            return op(0x87);
        }

        Pickle emptyTuple() {
            return op(')');
        }

        Pickle emptyDict() {
            return op('}');
        }

        Pickle reduce() {
            return op('R');
        }

        Pickle setItem() {
            return op('s');
        }

        Pickle newFalse() {
            return op(0x89);
        }

        Pickle ints(int[] values) {
            mark();
            for (int v : values) {
                int1(v);
            }
            return tuple();
        }

        /** _rebuild_tensor_v2(('storage', torch.<type>, key, 'cpu', numel), offset, size, stride, False, OD()). */
        Pickle tensor(String storageType, String key, int numel, int offset, int[] size, int[] stride) {
            global("torch._utils", "_rebuild_tensor_v2").mark();
            mark().str("storage").global("torch", storageType).str(key).str("cpu").int1(numel).tuple().op('Q');
            int1(offset).ints(size).ints(stride).newFalse();
            global("collections", "OrderedDict").emptyTuple().reduce();
            return tuple().reduce();
        }

        byte[] stop() {
            op('.');
            return out.toByteArray();
        }
    }
}
