package com.adclip.cli;

import com.adclip.anomaly.DetectorConfig;
import com.adclip.anomaly.AnomalyPredictor;
import com.adclip.serve.PredictorInspector;
import java.nio.file.Path;

/** The model side shared by {@code serve} and {@code watch}: a detector and an inspector over it. */
final class StationSetup {
    private StationSetup() {}

    /** The image threshold: the option's, else the bundle's (or the default for a checkpoint). */
    static double imageThreshold(DetectorSetup setup, Double option) {
        return option != null ? option : setup.thresholds.image();
    }

    static PredictorInspector inspector(DetectorSetup setup, DetectorOptions options, double imageThreshold,
            double maxMegapixels) {
        DetectorConfig config = setup.detector.config();
        double map = setup.thresholds.pixel();
        AnomalyPredictor predictor = setup.predictor(setup.preprocessor(), imageThreshold, map, maxMegapixels);
        Path source = options.bundle != null ? options.bundle : options.checkpoint;
        return new PredictorInspector(predictor, source.getFileName().toString(), map,
                config.featureBlocks().size());
    }
}
