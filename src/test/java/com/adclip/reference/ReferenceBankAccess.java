package com.adclip.reference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.adclip.anomaly.BundleManifest;
import com.adclip.anomaly.DetectorConfig;
import java.util.ArrayList;
import java.util.List;

/** For benchmarks outside this package: a bank straight from rows. */
public final class ReferenceBankAccess {
    private ReferenceBankAccess() {}

    /** A manifest section for {@code rows} rows per feature block of {@code config}. */
    public static BundleManifest.Reference section(DetectorConfig config, int rows) {
        List<BundleManifest.BankLayer> layers = new ArrayList<>();
        config.featureBlocks().forEach(block -> layers.add(new BundleManifest.BankLayer(block, rows, rows, 0)));
        return new BundleManifest.Reference(config.imageSize(), config.dpam(), config.featureBlocks(), 1, 0.1, rows,
                List.of(), layers, null, null);
    }

    /** A bank of the given float16 rows per block (every row from image 0). */
    public static ReferenceBank bank(BundleManifest.Reference section, List<NDArray> rows, NDManager manager) {
        List<NDArray> sources = new ArrayList<>();
        for (NDArray r : rows) {
            sources.add(manager.zeros(new ai.djl.ndarray.types.Shape(r.getShape().get(0)),
                    ai.djl.ndarray.types.DataType.INT32));
        }
        return ReferenceBank.of(section, rows, sources, manager);
    }
}
