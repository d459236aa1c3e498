package com.adclip.data;

/** How a dataset is laid out on disk; see {@code docs/datasets.md}. */
public enum Layout {
    /** The reference's {@code meta.json} index. */
    META_JSON("meta.json index"),
    /** MVTec AD: {@code CLASS/train/good}, {@code CLASS/test/TYPE}, {@code CLASS/ground_truth/TYPE}. */
    MVTEC("MVTec AD"),
    /** VisA with its {@code split_csv/1cls.csv}. */
    VISA("VisA"),
    /** A plain folder: {@code good/} plus one folder per defect type. */
    FOLDER("plain folder");

    private final String description;

    Layout(String description) {
        this.description = description;
    }

    /** A short human-readable name. */
    public String description() {
        return description;
    }
}
