package com.adclip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adclip.anomaly.AnomalyPredictor;
import com.adclip.reference.BankOptions;
import com.adclip.reference.ReferenceBank;
import com.adclip.reference.ReferenceImages;
import com.adclip.cli.TinyStationModel;
import com.adclip.testing.Fixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The public API with a bundle's reference bank: fused by default, off on request, extended at run time. */
class DetectorReferenceTest {
    @TempDir Path dir;

    private Detector.Builder builder(Path bundle) {
        return Detector.builder().bundle(bundle).weights(Fixtures.goldenV1().resolve("tiny-clip.pt"))
                .cache(dir.resolve("cache"));
    }

    @Test
    void aBundlesBankIsFusedUnlessTurnedOffAndCanBeExtended() {
        Path bundle = TinyStationModel.importBundle(dir);
        double promptScore;
        try (Detector plain = builder(bundle).build()) {
            assertNull(plain.referenceBank());
            assertFalse(plain.referenceTurnedOff());
            promptScore = plain.inspect(TinyStationModel.image(2)).score();
            // a detector without a bank builds one for the caller to save, but does not switch to it
            List<ReferenceImages.Skipped> skipped = new ArrayList<>();
            try (ReferenceBank bank = plain.extendReferences(List.of(TinyStationModel.image(0)),
                    p -> p.getFileName().toString(), BankOptions.defaults(), Set.of(), m -> { }, skipped)) {
                assertTrue(skipped.isEmpty());
                assertEquals(1, bank.size());
                assertThrows(IllegalStateException.class, () -> plain.useReferenceBank(bank));
                try (ai.djl.ndarray.NDManager manager = ai.djl.ndarray.NDManager.newBaseManager()) {
                    bank.into(com.adclip.anomaly.Bundle.load(bundle, manager)).save(dir.resolve("bank.adclip"));
                }
            }
        }
        try (Detector fused = builder(dir.resolve("bank.adclip")).build();
                Detector off = builder(dir.resolve("bank.adclip")).noReference(true).build()) {
            assertNotNull(fused.referenceBank());
            assertTrue(off.referenceTurnedOff());
            assertNull(off.referenceBank());
            assertEquals(promptScore, off.inspect(TinyStationModel.image(2)).score(), 0);
            double fusedScore = fused.inspect(TinyStationModel.image(2)).score();
            assertTrue(Math.abs(fusedScore - promptScore) > 1e-4);
            assertEquals(fused.referenceBank().thresholds(), fused.storedThresholds());
            Outcome both = fused.inspectAll(List.of(TinyStationModel.image(2)), true).get(0);
            assertEquals(promptScore, both.promptOnly().score(), 0);
            assertEquals(fusedScore, both.prediction().score(), 0);
            // extending: image 2 joins the bank, and from then on it scores as a bank image
            List<ReferenceImages.Skipped> skipped = new ArrayList<>();
            ReferenceBank bigger = fused.extendReferences(List.of(TinyStationModel.image(2)),
                    p -> "two.png", BankOptions.defaults(), Set.of(), m -> { }, skipped);
            assertEquals(2, bigger.size());
            fused.useReferenceBank(bigger);
            assertEquals(promptScore / 2, fused.inspect(TinyStationModel.image(2)).score(), 1e-5,
                    "an image in the bank has bank evidence 0");
        }
    }
}
