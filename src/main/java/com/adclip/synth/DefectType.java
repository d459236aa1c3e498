package com.adclip.synth;

import java.util.Locale;

/** The defect types the generator draws; {@link #folder()} is the MVTec folder name (e.g. {@code missing_part}). */
enum DefectType {
    SCRATCH, CRACK, DENT, STAIN, HOLE, MISSING_PART, CONTAMINATION, PRINT_ERROR;

    String folder() {
        return name().toLowerCase(Locale.ROOT);
    }
}
