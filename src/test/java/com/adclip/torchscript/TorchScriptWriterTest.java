package com.adclip.torchscript;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TorchScriptWriterTest {
    @TempDir
    Path dir;

    private static final String SOURCE = """
            class Affine(Module):
              __parameters__ = []
              __buffers__ = ["weight", "bias", "half", ]
              training : bool
              weight : Tensor
              bias : Tensor
              half : Tensor
              def forward(self: __torch__.Affine, x: Tensor) -> Tuple[Tensor, Tensor]:
                y = torch.linear(x, self.weight, self.bias)
                h = torch.linear(torch.to(x, 15), self.half)
                return (y, torch.to(h, 6))
            """;

    @Test
    void libtorchLoadsAndRunsTheModuleWeWrite() throws Exception {
        Path file = dir.resolve("affine.pt");
        try (TorchScriptWriter writer = new TorchScriptWriter(file, "Affine")) {
            writer.source(SOURCE);
            writer.tensor("weight", new float[] {1, 2, 3, 4, 5, 6}, new long[] {2, 3}, StorageType.FLOAT32);
            writer.tensor("bias", new float[] {0.5f, -1}, new long[] {2}, StorageType.FLOAT32);
            // exactly representable in bf16, so the bf16 product is exact too
            writer.tensor("half", new float[] {1, 0.5f, -2, 0, 0.25f, 4}, new long[] {2, 3}, StorageType.BFLOAT16);
        }
        try (NDManager manager = NDManager.newBaseManager();
                Model model = Model.newInstance("affine", Device.cpu(), "PyTorch")) {
            model.load(file);
            NDArray x = manager.create(new float[] {1, -1, 2}, new Shape(1, 3));
            NDList out = model.getBlock().forward(new ParameterStore(manager, false), new NDList(x), false);
            assertEquals(2, out.size());
            // [1-2+6+0.5, 4-5+12-1]
            assertArrayEquals(new float[] {5.5f, 10f}, out.get(0).toFloatArray(), 1e-6f);
            // [1-0.5-4, 0-0.25+8]
            assertArrayEquals(new float[] {-3.5f, 7.75f}, out.get(1).toFloatArray(), 1e-6f);
        }
    }

    @Test
    void streamedTensorsWriteTheSameArchiveAsArrays() throws Exception {
        int n = 200_003; // several chunks and a partial one
        float[] values = new float[n];
        float[] whole = new float[n];
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < n; i++) {
            values[i] = (float) random.nextGaussian();
            whole[i] = random.nextInt(256) - 128;
        }
        java.nio.ByteBuffer direct = java.nio.ByteBuffer.allocateDirect(n * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        direct.asFloatBuffer().put(values);
        java.nio.ByteBuffer ints = java.nio.ByteBuffer.allocateDirect(n * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        ints.asFloatBuffer().put(whole);
        Path arrays = java.nio.file.Files.createDirectory(dir.resolve("arrays")).resolve("m.pt");
        Path streamed = java.nio.file.Files.createDirectory(dir.resolve("streamed")).resolve("m.pt");
        long[] shape = {n};
        try (TorchScriptWriter writer = new TorchScriptWriter(arrays, "M")) {
            writer.source("class M(Module):\n  pass\n");
            writer.tensor("a", values, shape, StorageType.FLOAT32);
            writer.tensor("b", values, shape, StorageType.BFLOAT16);
            writer.tensor("c", whole, shape, StorageType.INT8);
        }
        try (TorchScriptWriter writer = new TorchScriptWriter(streamed, "M")) {
            writer.source("class M(Module):\n  pass\n");
            writer.tensor("a", direct, shape, StorageType.FLOAT32);
            writer.tensor("b", direct, shape, StorageType.BFLOAT16);
            writer.tensor("c", ints, shape, StorageType.INT8);
        }
        assertArrayEquals(java.nio.file.Files.readAllBytes(arrays), java.nio.file.Files.readAllBytes(streamed));
        assertEquals(0, direct.position(), "the caller's buffer is not consumed");
    }

    @Test
    void int8StoragesLoadAsInt8() throws Exception {
        Path file = dir.resolve("q.pt");
        try (TorchScriptWriter writer = new TorchScriptWriter(file, "Q")) {
            writer.source("""
                    class Q(Module):
                      __parameters__ = []
                      __buffers__ = ["q", ]
                      training : bool
                      q : Tensor
                      def forward(self: __torch__.Q, x: Tensor) -> Tensor:
                        return torch.add(torch.to(self.q, 6), x)
                    """);
            writer.tensor("q", new float[] {-128, -1, 0, 1, 127, 5}, new long[] {2, 3}, StorageType.INT8);
        }
        try (NDManager manager = NDManager.newBaseManager();
                Model model = Model.newInstance("q", Device.cpu(), "PyTorch")) {
            model.load(file);
            NDArray zero = manager.zeros(new Shape(2, 3));
            NDList out = model.getBlock().forward(new ParameterStore(manager, false), new NDList(zero), false);
            assertArrayEquals(new float[] {-128, -1, 0, 1, 127, 5}, out.get(0).toFloatArray(), 0f);
        }
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> {
            try (TorchScriptWriter writer = new TorchScriptWriter(dir.resolve("bad.pt"), "Q")) {
                writer.source("class Q(Module):\n  pass\n");
                writer.tensor("q", new float[] {0.5f}, new long[] {1}, StorageType.INT8);
            }
        });
    }

    @Test
    void bfloat16RoundsToNearestEven() {
        assertEquals((short) 0x3f80, StorageType.toBfloat16(1.0f));
        // 1 + 2^-8 lies halfway between 1 and 1 + 2^-7: ties to even (1.0)
        assertEquals((short) 0x3f80, StorageType.toBfloat16(Float.intBitsToFloat(0x3f808000)));
        // just above halfway rounds up
        assertEquals((short) 0x3f81, StorageType.toBfloat16(Float.intBitsToFloat(0x3f808001)));
        // 1 + 3·2^-8 is halfway between odd and even: up to even
        assertEquals((short) 0x3f82, StorageType.toBfloat16(Float.intBitsToFloat(0x3f818000)));
    }
}
