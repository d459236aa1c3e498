package com.adclip.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.adclip.anomaly.AnomalyHead;
import com.adclip.anomaly.BundleManifest;
import com.adclip.anomaly.DetectorConfig;
import com.adclip.clip.ClipModel;
import com.adclip.clip.VisionFeatures;
import com.adclip.clip.VisionRequest;
import com.adclip.reference.ReferenceBankAccess;
import com.adclip.weights.ClipWeights;
import com.adclip.weights.ModelRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * Not a test: the cost of bank scoring at the bank's largest default size against one vision-tower pass, in one
 * process. {@code java -cp target/classes:target/test-classes:target/lib/* com.adclip.bench.BankScoringBenchmarkMain
 * [MODEL] [SIZE] [ROWS]}; the bank rows are random unit vectors (the cost depends only on the shapes).
 */
public final class BankScoringBenchmarkMain {
    private BankScoringBenchmarkMain() {}

    public static void main(String[] args) {
        String model = args.length > 0 ? args[0] : "ViT-L/14@336px";
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 518;
        int rows = args.length > 2 ? Integer.parseInt(args[2]) : 8192;
        try (NDManager manager = NDManager.newBaseManager();
                ClipWeights weights = ClipWeights.random(ModelRegistry.find(model).config(), manager, 0)) {
            DetectorConfig config = DetectorConfig.defaultsFor(weights.config()).withImageSize(size);
            ClipModel clip = ClipModel.create(weights.config(), weights::get, manager);
            VisionRequest request = new VisionRequest(config.dpam(), config.featureBlocks());
            NDArray pixels = manager.randomNormal(new Shape(1, 3, size, size));
            long t0 = System.nanoTime();
            VisionFeatures features = clip.encodeVision(pixels, request);
            features.patches().forEach(p -> p.tokens().toFloatArray());
            double tower = (System.nanoTime() - t0) / 1e9;
            long width = features.patches().get(0).tokens().getShape().get(2);
            List<NDArray> banks = new ArrayList<>();
            for (int l = 0; l < config.featureBlocks().size(); l++) {
                NDArray random = manager.randomNormal(new Shape(rows, width));
                banks.add(AnomalyHead.normalize(random).toType(DataType.FLOAT16, false));
            }
            BundleManifest.Reference section = ReferenceBankAccess.section(config, rows);
            try (var bank = ReferenceBankAccess.bank(section, banks, manager)) {
                bank.distanceGrid(features).toFloatArray(); // warm-up
                int reps = 3;
                long t1 = System.nanoTime();
                for (int r = 0; r < reps; r++) {
                    bank.distanceGrid(features).toFloatArray();
                }
                double scoring = (System.nanoTime() - t1) / 1e9 / reps;
                System.out.printf("{\"model\": \"%s\", \"image_size\": %d, \"grid\": %d, \"width\": %d, \"blocks\": %d, "
                        + "\"rows_per_block\": %d, \"tower_seconds\": %.3f, \"bank_seconds\": %.3f, "
                        + "\"bank_share_of_tower\": %.4f}%n", model, size, features.grid(), width,
                        banks.size(), rows, tower, scoring, scoring / tower);
            }
        }
    }
}
