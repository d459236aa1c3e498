package com.adclip.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The poll limits follow the documented formula (docs/fleet.md): about 30 s of work per poll, 4× room. */
class PollSizingTest {
    @Test
    void fastModelsTakeBigBatchesUpToTheCap() {
        assertEquals(new PollSizing(500, 300_000), PollSizing.forSecondsPerImage(0.01));
        assertEquals(new PollSizing(75, 300_000), PollSizing.forSecondsPerImage(0.4));
    }

    @Test
    void slowModelsTakeFewRecordsAndALongerDeadline() {
        assertEquals(new PollSizing(2, 300_000), PollSizing.forSecondsPerImage(15));
        assertEquals(new PollSizing(1, 400_000), PollSizing.forSecondsPerImage(100));
        PollSizing s = PollSizing.forSecondsPerImage(100);
        assertEquals(true, s.maxPollIntervalMs() >= 4 * s.maxPollRecords() * 100_000L, "4× the batch's time");
    }

    @Test
    void nonsenseIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> PollSizing.forSecondsPerImage(0));
        assertThrows(IllegalArgumentException.class, () -> PollSizing.forSecondsPerImage(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> PollSizing.forSecondsPerImage(-1));
    }
}
