package com.adclip.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NpzSmokeTest {
    @Test
    void readsGoldenArraysByName() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> arrays = Fixtures.npz(manager, Fixtures.goldenV1().resolve("expected.npz"));
            assertTrue(arrays.containsKey("pixels"), arrays.keySet().toString());
            assertArrayEquals(new long[] {4, 3, 48, 48}, arrays.get("pixels").getShape().getShape());
        }
    }
}
