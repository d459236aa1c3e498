package com.adclip.torchscript;

/** How a tensor is stored in the archive (libtorch sees this dtype when it loads the module). */
public enum StorageType {
    FLOAT32("FloatStorage", 4),
    /** float64, for operators that the reference applies in double precision (e.g. scipy's filters). */
    FLOAT64("DoubleStorage", 8),
    /** bfloat16, rounded to nearest even from float32 while writing (Java never creates a bf16 tensor). */
    BFLOAT16("BFloat16Storage", 2),
    /** int8, from float32 values that are already whole numbers in [-128, 127] (quantised weights). */
    INT8("CharStorage", 1);

    private final String pickleName;
    private final int bytes;

    StorageType(String pickleName, int bytes) {
        this.pickleName = pickleName;
        this.bytes = bytes;
    }

    String pickleName() {
        return pickleName;
    }

    int bytesPerElement() {
        return bytes;
    }

    /** float32 → bfloat16 bits, round to nearest even; NaN stays a (quiet) NaN. */
    static short toBfloat16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int lsb = (bits >>> 16) & 1;
        return (short) ((bits + 0x7fff + lsb) >>> 16);
    }
}
