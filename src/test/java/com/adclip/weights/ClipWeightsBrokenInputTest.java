package com.adclip.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.adclip.AdclipException;
import com.adclip.testing.Fixtures;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of broken input is rejected with one message naming the file and the key or byte offset. */
class ClipWeightsBrokenInputTest {

    private static NDManager manager;
    private static Path golden;
    private static Map<String, TestSafetensors.Tensor> openAi;

    @TempDir
    Path tmp;

    @BeforeAll
    static void setUp() throws IOException {
        golden = Fixtures.goldenV1();
        manager = NDManager.newBaseManager();
        openAi = TestSafetensors.read(golden.resolve("tiny-clip-openai.safetensors"));
    }

    @AfterAll
    static void tearDown() {
        if (manager != null) {
            manager.close();
        }
    }

    // ---- truncation, foreign and empty files ----

    @Test
    void truncatedSafetensorsAtSeveralCutPoints() throws IOException {
        Path source = golden.resolve("tiny-clip-openai.safetensors");
        long size = Files.size(source);
        long header = 8 + ByteBuffer.wrap(Files.readAllBytes(source), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        for (long cut : new long[] {8, 9, 100, header - 1, header, header + 1000, size / 2, size - 1}) {
            Path file = cut(source, cut, "cut-" + cut + ".safetensors");
            String message = assertRejected(file, "truncated", "byte offset");
            assertTrue(message.contains(String.valueOf(cut)), "names the end offset " + cut + ": " + message);
        }
        Path tiny = cut(source, 5, "cut-5.safetensors");
        assertRejected(tiny, "byte offset 0", "only 5 bytes", "truncated");
    }

    @Test
    void truncatedTorchScriptAtSeveralCutPoints() throws IOException {
        Path source = golden.resolve("tiny-clip.pt");
        long size = Files.size(source);
        for (long cut : new long[] {100, 30_000, size / 2, size - 22, size - 1}) {
            Path file = cut(source, cut, "cut-" + cut + ".pt");
            String message = assertRejected(file, "truncated", "byte offset " + cut);
            assertTrue(message.contains("download it again"), message);
        }
        assertRejected(cut(source, 3, "cut-3.pt"), "byte offset 0", "only 3 bytes", "truncated");
    }

    @Test
    void randomBytes() throws IOException {
        byte[] bytes = new byte[100_000];
        new Random(42).nextBytes(bytes);
        Path file = tmp.resolve("random.bin");
        Files.write(file, bytes);
        assertRejected(file, "not a CLIP weights file", "byte offset 0");
    }

    @Test
    void emptyFile() throws IOException {
        Path file = Files.createFile(tmp.resolve("empty.pt"));
        assertRejected(file, "empty file (0 bytes)");
    }

    @Test
    void missingPath() {
        assertRejected(tmp.resolve("nope.pt"), "no such file");
    }

    @Test
    void torchSaveCheckpointIsNotTorchScript() {
        assertRejected(golden.resolve("prompt-learner.pth"), "torch.save", "not a TorchScript archive");
    }

    @Test
    void torchScriptWithAMissingTensorRecord() throws IOException {
        Path file = tmp.resolve("no-record.pt");
        try (java.util.zip.ZipFile in = new java.util.zip.ZipFile(golden.resolve("tiny-clip.pt").toFile());
                ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(file))) {
            for (ZipEntry entry : java.util.Collections.list(in.entries())) {
                if (entry.getName().equals("tiny-clip/data/5")) {
                    continue;
                }
                byte[] data = in.getInputStream(entry).readAllBytes();
                ZipEntry copy = new ZipEntry(entry.getName());
                copy.setMethod(ZipEntry.STORED);
                copy.setSize(data.length);
                java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                crc.update(data);
                copy.setCrc(crc.getValue());
                out.putNextEntry(copy);
                out.write(data);
                out.closeEntry();
            }
        }
        assertRejected(file, "libtorch cannot load", "data/5");
    }

    @Test
    void zipThatIsNotPyTorch() throws IOException {
        Path file = tmp.resolve("other.pt");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            zip.putNextEntry(new ZipEntry("readme.txt"));
            zip.write("hello".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        assertRejected(file, "not a PyTorch archive", "data.pkl");
    }

    @Test
    void corruptJsonHeader() throws IOException {
        byte[] bytes = Files.readAllBytes(golden.resolve("tiny-clip-openai.safetensors"));
        bytes[9] = (byte) 'x';
        Path file = tmp.resolve("bad-json.safetensors");
        Files.write(file, bytes);
        assertRejected(file, "invalid JSON", "byte offset 9");
    }

    // ---- keys, shapes, values ----

    @Test
    void missingKeys() throws IOException {
        for (String key : new String[] {"visual.transformer.resblocks.3.mlp.c_fc.bias",
                "visual.transformer.resblocks.5.attn.in_proj_weight", "transformer.resblocks.2.ln_1.bias",
                "ln_final.weight", "logit_scale"}) {
            Map<String, TestSafetensors.Tensor> tensors = new LinkedHashMap<>(openAi);
            tensors.remove(key);
            String message = assertRejected(write("missing.safetensors", tensors), "missing key '" + key + "'");
            assertFalse(message.contains("unexpected"), message);
        }
    }

    @Test
    void unexpectedKeyIsRejectedButKnownExtrasAreFine() throws IOException {
        Map<String, TestSafetensors.Tensor> tensors = new LinkedHashMap<>(openAi);
        tensors.put("visual.head.weight", new TestSafetensors.Tensor("F32", new long[] {2}, new byte[8]));
        assertRejected(write("extra.safetensors", tensors), "unexpected key 'visual.head.weight'");

        Map<String, TestSafetensors.Tensor> extras = new LinkedHashMap<>(openAi);
        for (String name : new String[] {"input_resolution", "context_length", "vocab_size"}) {
            extras.put(name, new TestSafetensors.Tensor("I64", new long[0], new byte[8]));
        }
        try (ClipWeights w = ClipWeights.load(write("extras.safetensors", extras), manager)) {
            assertEquals(OpenAiLayout.expectedShapes(w.config()).keySet(), w.tensors().keySet());
        }
    }

    @Test
    void wrongShape() throws IOException {
        Map<String, TestSafetensors.Tensor> tensors = new LinkedHashMap<>(openAi);
        TestSafetensors.Tensor proj = tensors.get("visual.proj");
        tensors.put("visual.proj", new TestSafetensors.Tensor(proj.dtype(), new long[] {64, 128}, proj.data()));
        assertRejected(write("shape.safetensors", tensors), "key 'visual.proj'", "shape (64, 128)",
                "expected (128, 64)");

        TestSafetensors.Tensor fc = tensors.get("transformer.resblocks.1.mlp.c_fc.weight");
        tensors.put("visual.proj", proj);
        tensors.put("transformer.resblocks.1.mlp.c_fc.weight",
                new TestSafetensors.Tensor(fc.dtype(), new long[] {128, 128}, fc.data()));
        assertRejected(write("shape2.safetensors", tensors), "key 'transformer.resblocks.1.mlp.c_fc.weight'",
                "shape (128, 128)", "expected (256, 64)");
    }

    @Test
    void byteRangeThatDoesNotFitTheShape() throws IOException {
        Map<String, TestSafetensors.Tensor> tensors = new LinkedHashMap<>(openAi);
        TestSafetensors.Tensor proj = tensors.get("visual.proj");
        tensors.put("visual.proj", new TestSafetensors.Tensor(proj.dtype(), new long[] {128, 65}, proj.data()));
        assertRejected(write("bytes.safetensors", tensors), "tensor 'visual.proj'", "needs 16640 bytes",
                "data_offsets");
    }

    @Test
    void nanAndInfinity() throws IOException {
        Map<String, TestSafetensors.Tensor> tensors = new LinkedHashMap<>(openAi);
        byte[] ln = tensors.get("visual.ln_pre.weight").data().clone();
        ByteBuffer.wrap(ln).order(ByteOrder.LITTLE_ENDIAN).putFloat(40, Float.NaN);
        tensors.put("visual.ln_pre.weight", new TestSafetensors.Tensor("F32", new long[] {128}, ln));
        assertRejected(write("nan.safetensors", tensors), "tensor 'visual.ln_pre.weight'", "NaN");

        tensors = new LinkedHashMap<>(openAi);
        TestSafetensors.Tensor fc = tensors.get("visual.transformer.resblocks.1.mlp.c_fc.weight");
        assertEquals("F16", fc.dtype());
        byte[] half = fc.data().clone();
        ByteBuffer.wrap(half).order(ByteOrder.LITTLE_ENDIAN).putShort(1000, (short) 0xFC00); // -inf
        tensors.put("visual.transformer.resblocks.1.mlp.c_fc.weight",
                new TestSafetensors.Tensor("F16", fc.shape(), half));
        assertRejected(write("inf.safetensors", tensors), "tensor 'visual.transformer.resblocks.1.mlp.c_fc.weight'",
                "infinite");
    }

    @Test
    void unsupportedDtypeForAWeight() throws IOException {
        Map<String, TestSafetensors.Tensor> tensors = new LinkedHashMap<>(openAi);
        TestSafetensors.Tensor ln = tensors.get("visual.ln_post.bias");
        tensors.put("visual.ln_post.bias", new TestSafetensors.Tensor("I32", ln.shape(), ln.data()));
        assertRejected(write("i32.safetensors", tensors), "tensor 'visual.ln_post.bias'", "dtype I32");
    }

    // ---- Hugging Face ----

    @Test
    void huggingFaceConfigDisagreement() throws IOException {
        assertConfigRejected(c -> ((ObjectNode) c.get("vision_config")).put("hidden_size", 256),
                "vision_config.hidden_size is 256", "vision width 128");
        assertConfigRejected(c -> ((ObjectNode) c.get("text_config")).put("num_hidden_layers", 12),
                "text_config.num_hidden_layers is 12", "text layers 4");
        assertConfigRejected(c -> ((ObjectNode) c.get("vision_config")).put("num_attention_heads", 4),
                "vision_config.num_attention_heads is 4", "heads (width / 64) 2");
        assertConfigRejected(c -> ((ObjectNode) c.get("vision_config")).remove("patch_size"),
                "vision_config.patch_size is absent (transformers' default 32)", "patch size 4");
        assertConfigRejected(c -> ((ObjectNode) c.get("vision_config")).put("image_size", 224),
                "vision_config.image_size is 224", "image size 32");
        assertConfigRejected(c -> c.put("projection_dim", 512), "projection_dim is 512", "embedding width 64");
        assertConfigRejected(c -> ((ObjectNode) c.get("text_config")).put("vocab_size", 49409),
                "text_config.vocab_size is 49409", "vocabulary size 49408");
        assertConfigRejected(c -> ((ObjectNode) c.get("text_config")).put("max_position_embeddings", 64),
                "text_config.max_position_embeddings is 64", "context length 77");
        assertConfigRejected(c -> ((ObjectNode) c.get("text_config")).put("hidden_act", "gelu"),
                "text_config.hidden_act is 'gelu'", "quick_gelu");
    }

    @Test
    void huggingFaceConfigDictOverridesTheDefaultsWrittenByOldTransformers() throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = (ObjectNode) json.readTree(golden.resolve("tiny-clip-hf/config.json").toFile());
        ((ObjectNode) config.get("text_config")).put("hidden_size", 512).put("num_hidden_layers", 12);
        config.putObject("text_config_dict").put("hidden_size", 64).put("num_hidden_layers", 4);
        Path dir = Files.createDirectory(tmp.resolve("hf-dict"));
        Files.createSymbolicLink(dir.resolve("model.safetensors"), golden.resolve("tiny-clip-hf/model.safetensors"));
        json.writeValue(dir.resolve("config.json").toFile(), config);
        try (ClipWeights w = ClipWeights.load(dir, manager)) {
            assertEquals(64, w.config().text().width());
        }
        assertConfigRejected(c -> c.putObject("vision_config_dict").put("patch_size", 8),
                "vision_config_dict.patch_size is 8", "patch size 4");
    }

    @Test
    void huggingFaceWeightsWithoutConfig() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("no-config"));
        Path model = Files.createSymbolicLink(dir.resolve("model.safetensors"),
                golden.resolve("tiny-clip-hf/model.safetensors"));
        assertRejected(model, "no config.json");
        assertRejected(dir, "config.json");
        Path empty = Files.createDirectory(tmp.resolve("empty-dir"));
        assertRejected(empty, "no model.safetensors");
    }

    @Test
    void huggingFaceMissingAndUnexpectedKeys() throws IOException {
        Map<String, TestSafetensors.Tensor> hf = TestSafetensors.read(golden.resolve("tiny-clip-hf/model.safetensors"));
        Map<String, TestSafetensors.Tensor> missing = new LinkedHashMap<>(hf);
        missing.remove("text_model.encoder.layers.1.self_attn.k_proj.bias");
        assertRejected(hfDir("hf-missing", missing), "missing key 'text_model.encoder.layers.1.self_attn.k_proj.bias'");

        Map<String, TestSafetensors.Tensor> extra = new LinkedHashMap<>(hf);
        extra.put("vision_model.head.weight", new TestSafetensors.Tensor("F32", new long[] {2}, new byte[8]));
        extra.put("text_model.embeddings.position_ids", new TestSafetensors.Tensor("I64", new long[] {1, 1}, new byte[8]));
        assertRejected(hfDir("hf-extra", extra), "unexpected key 'vision_model.head.weight'");

        Map<String, TestSafetensors.Tensor> shape = new LinkedHashMap<>(hf);
        TestSafetensors.Tensor q = shape.get("vision_model.encoder.layers.2.self_attn.q_proj.weight");
        shape.put("vision_model.encoder.layers.2.self_attn.q_proj.weight",
                new TestSafetensors.Tensor("F32", new long[] {64, 256}, q.data()));
        assertRejected(hfDir("hf-shape", shape), "key 'vision_model.encoder.layers.2.self_attn.q_proj.weight'",
                "shape (64, 256)", "expected (128, 128)");

        Map<String, TestSafetensors.Tensor> ids = new LinkedHashMap<>(hf);
        ids.put("vision_model.embeddings.position_ids", new TestSafetensors.Tensor("I64", new long[] {1, 65}, new byte[520]));
        try (ClipWeights w = ClipWeights.load(hfDir("hf-ids", ids), manager)) {
            assertEquals(WeightsFormat.HUGGINGFACE, w.format());
        }
    }

    // ---- helpers ----

    private interface ConfigEdit {
        void apply(ObjectNode config);
    }

    private void assertConfigRejected(ConfigEdit edit, String... fragments) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = (ObjectNode) json.readTree(golden.resolve("tiny-clip-hf/config.json").toFile());
        edit.apply(config);
        Path dir = Files.createTempDirectory(tmp, "hf");
        Files.createSymbolicLink(dir.resolve("model.safetensors"), golden.resolve("tiny-clip-hf/model.safetensors"));
        json.writeValue(dir.resolve("config.json").toFile(), config);
        String message = assertRejected(dir, fragments);
        assertTrue(message.contains(dir.resolve("config.json").toString()), message);
        assertTrue(message.contains("model.safetensors"), message);
    }

    private Path hfDir(String name, Map<String, TestSafetensors.Tensor> tensors) throws IOException {
        Path dir = Files.createDirectory(tmp.resolve(name));
        TestSafetensors.write(dir.resolve("model.safetensors"), tensors);
        Files.copy(golden.resolve("tiny-clip-hf/config.json"), dir.resolve("config.json"));
        return dir;
    }

    private Path write(String name, Map<String, TestSafetensors.Tensor> tensors) throws IOException {
        Path file = tmp.resolve(name);
        TestSafetensors.write(file, tensors);
        return file;
    }

    private Path cut(Path source, long length, String name) throws IOException {
        Path file = tmp.resolve(name);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(Arrays.copyOf(Files.readAllBytes(source), (int) length));
        }
        return file;
    }

    /** Loading fails with one line naming the file (or directory) and every fragment; returns the message. */
    private static String assertRejected(Path path, String... fragments) {
        AdclipException e = assertThrows(AdclipException.class, () -> {
            try (ClipWeights w = ClipWeights.load(path, manager)) {
                w.config();
            }
        }, () -> "accepted " + path);
        String message = e.getMessage();
        assertFalse(message.contains("\n"), "one line: " + message);
        assertTrue(message.contains(path.getFileName().toString()), "names the file: " + message);
        for (String fragment : fragments) {
            assertTrue(message.contains(fragment), "'" + fragment + "' in: " + message);
        }
        return message;
    }
}
