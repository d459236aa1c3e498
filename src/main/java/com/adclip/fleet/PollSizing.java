package com.adclip.fleet;

/**
 * The consumer's poll limits from the measured seconds per image, so that a slow model never misses a poll
 * deadline (which would make the group rebalance, redeliver the batch and rebalance again: a storm):
 *
 * <pre>
 *   max.poll.records     = clamp(floor(BATCH_SECONDS / s), 1, MAX_RECORDS)
 *   max.poll.interval.ms = max(MIN_INTERVAL, SAFETY × max.poll.records × s)
 * </pre>
 *
 * where {@code s} is the seconds per image (fetch, decode and model). A batch thus takes about
 * {@value #BATCH_SECONDS} s, and the deadline leaves {@value #SAFETY}× room for slow images, a busy machine or a
 * slow image server; it never drops below Kafka's default of 5 min. For ViT-L/14@336 at 3 s per image: 10
 * records, 5 min; at 100 s per image (a very slow machine): 1 record, 400 s; for the tiny test model: 500
 * records, 5 min.
 */
public record PollSizing(int maxPollRecords, long maxPollIntervalMs) {
    static final double BATCH_SECONDS = 30;
    static final int MAX_RECORDS = 500;
    static final double SAFETY = 4;
    static final long MIN_INTERVAL_MS = 300_000;

    public PollSizing {
        if (maxPollRecords < 1 || maxPollIntervalMs < 1) {
            throw new IllegalArgumentException("poll limits must be positive");
        }
    }

    /** The limits for {@code secondsPerImage} (positive). */
    public static PollSizing forSecondsPerImage(double secondsPerImage) {
        if (!(secondsPerImage > 0) || Double.isInfinite(secondsPerImage)) {
            throw new IllegalArgumentException("seconds per image must be positive, got " + secondsPerImage);
        }
        int records = (int) Math.max(1, Math.min(MAX_RECORDS, Math.floor(BATCH_SECONDS / secondsPerImage)));
        long interval = (long) Math.ceil(SAFETY * records * secondsPerImage * 1000);
        return new PollSizing(records, Math.max(MIN_INTERVAL_MS, interval));
    }
}
