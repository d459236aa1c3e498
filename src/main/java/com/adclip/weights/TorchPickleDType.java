package com.adclip.weights;

import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The typed storage classes a PyTorch checkpoint names ({@code torch.FloatStorage}, ...), with the size of
 * one element in the file and the DJL type it is loaded as.
 *
 * <p>bfloat16 is widened to float32 in Java: converting an NDArray to BFLOAT16 aborts the JVM in DJL 0.36,
 * so such arrays never exist. Every other type is loaded as is (float16 stays float16; callers convert).
 */
enum TorchPickleDType {
    FLOAT("FloatStorage", 4, DataType.FLOAT32),
    DOUBLE("DoubleStorage", 8, DataType.FLOAT64),
    HALF("HalfStorage", 2, DataType.FLOAT16),
    BFLOAT16("BFloat16Storage", 2, DataType.FLOAT32),
    LONG("LongStorage", 8, DataType.INT64),
    INT("IntStorage", 4, DataType.INT32),
    SHORT("ShortStorage", 2, DataType.INT16),
    CHAR("CharStorage", 1, DataType.INT8),
    BYTE("ByteStorage", 1, DataType.UINT8),
    BOOL("BoolStorage", 1, DataType.BOOLEAN);

    private static final Map<String, TorchPickleDType> BY_NAME = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(t -> t.storageName, Function.identity()));

    private final String storageName;
    private final int itemSize;
    private final DataType dataType;

    TorchPickleDType(String storageName, int itemSize, DataType dataType) {
        this.storageName = storageName;
        this.itemSize = itemSize;
        this.dataType = dataType;
    }

    /** The type for a class name in module {@code torch}, such as {@code FloatStorage}, or null. */
    static TorchPickleDType forStorageClass(String name) {
        return BY_NAME.get(name);
    }

    /** Bytes per element in the checkpoint's storage record. */
    int itemSize() {
        return itemSize;
    }

    /** The type of the NDArray built from such a storage. */
    DataType dataType() {
        return dataType;
    }

    /** The Python name, {@code torch.FloatStorage}. */
    String pythonName() {
        return "torch." + storageName;
    }
}
