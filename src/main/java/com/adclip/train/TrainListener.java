package com.adclip.train;

/** What a training run reports while it runs (progress bars, logs). All methods are optional. */
public interface TrainListener {
    /** An epoch begins with {@code steps} steps. */
    default void epochStarted(int epoch, int steps) {}

    /** A step ended with these (unweighted) loss parts. */
    default void stepDone(int epoch, int step, double image, double map, double total, double learningRate) {}

    /** An epoch ended. */
    default void epochDone(EpochRecord record) {}

    /** A checkpoint was written. */
    default void saved(java.nio.file.Path file) {}

    /** A plain message for the user. */
    default void note(String message) {}

    TrainListener SILENT = new TrainListener() {};
}
