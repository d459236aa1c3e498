package com.adclip.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDManager;
import com.adclip.testing.Fixtures;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BF16 and F64 tensors become the float32 values they denote (bf16 is the upper half of a float32). */
class SafetensorsDtypesTest {

    @TempDir
    Path tmp;

    @Test
    void bf16AndF64AreConvertedExactly() throws IOException {
        Map<String, TestSafetensors.Tensor> tensors =
                new LinkedHashMap<>(TestSafetensors.read(Fixtures.goldenV1().resolve("tiny-clip-openai.safetensors")));
        TestSafetensors.Tensor ln = tensors.get("visual.ln_pre.weight");
        TestSafetensors.Tensor pos = tensors.get("visual.positional_embedding");
        int[] lnBits = ints(ln.data());
        int[] posBits = ints(pos.data());

        ByteBuffer bf16 = ByteBuffer.allocate(lnBits.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        int[] expectedLn = new int[lnBits.length];
        for (int i = 0; i < lnBits.length; i++) {
            bf16.putShort((short) (lnBits[i] >>> 16));
            expectedLn[i] = lnBits[i] & 0xFFFF0000;
        }
        ByteBuffer f64 = ByteBuffer.allocate(posBits.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int bits : posBits) {
            f64.putDouble(Float.intBitsToFloat(bits));
        }
        tensors.put("visual.ln_pre.weight", new TestSafetensors.Tensor("BF16", ln.shape(), bf16.array()));
        tensors.put("visual.positional_embedding", new TestSafetensors.Tensor("F64", pos.shape(), f64.array()));
        Path file = tmp.resolve("dtypes.safetensors");
        TestSafetensors.write(file, tensors);

        try (NDManager manager = NDManager.newBaseManager();
                ClipWeights w = ClipWeights.load(file, manager)) {
            assertArrayEquals(expectedLn, ClipWeightsFormatsTest.bits(w.get("visual.ln_pre.weight")));
            assertArrayEquals(posBits, ClipWeightsFormatsTest.bits(w.get("visual.positional_embedding")));
        }
    }

    private static int[] ints(byte[] data) {
        int[] out = new int[data.length / 4];
        ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(out);
        return out;
    }
}
