package com.adclip.cli;

import com.adclip.Detector;
import com.adclip.anomaly.BundleManifest;
import com.adclip.reference.ReferenceBank;
import java.util.Locale;

/** The line commands print about a detector's bank of good reference images. */
final class ReferenceText {
    private ReferenceText() {}

    /** One line on the bank, or null when the bundle has none. */
    static String line(Detector detector) {
        if (detector.referenceTurnedOff()) {
            return "reference bank: off (--no-reference); prompt maps and scores only";
        }
        ReferenceBank bank = detector.referenceBank();
        if (bank == null) {
            return null;
        }
        BundleManifest.Reference r = bank.section();
        return String.format(Locale.ROOT,
                "reference bank: %d good image%s, %d rows per block, fused with the prompt maps (lambda %s, q %.4g)",
                r.images().size(), r.images().size() == 1 ? "" : "s", r.layers().get(0).kept(), r.lambda(),
                r.normalizer());
    }
}
