package com.adclip.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adclip.Inspection;
import com.adclip.Outcome;
import com.adclip.Verdict;
import com.adclip.anomaly.Prediction;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The inspection worker outlives a model that answers a batch wrongly, and frees the batch's queue slots. */
class InspectionQueueTest {

    @Test
    void aBrokenBatchFailsItsRequestAndTheWorkerGoesOn() throws Exception {
        BrokenOnce model = new BrokenOnce();
        try (InspectionQueue queue = new InspectionQueue(model, 1)) {
            InspectionQueue.Ticket broken = queue.submit(Path.of("a.png"));
            ExecutionException failed = assertThrows(ExecutionException.class,
                    () -> broken.result.get(10, TimeUnit.SECONDS));
            assertInstanceOf(IllegalStateException.class, failed.getCause(), failed.toString());

            InspectionQueue.Ticket next = queue.submit(Path.of("b.png"));
            assertEquals(0.7, next.result.get(10, TimeUnit.SECONDS).score(), "the worker still runs");
            assertEquals(0, queue.depth(), "every slot is free again");
            assertTrue(queue.imagesPerSecond() > 0, "the good batch counts in the rate");
        }
    }

    /** Answers its first batch with no outcome at all, then as a model should. */
    private static final class BrokenOnce implements Inspector {
        private final AtomicInteger batches = new AtomicInteger();

        @Override
        public List<Outcome> inspectPrepared(List<Prepared> batch) {
            return batches.getAndIncrement() == 0 ? List.of() : Inspector.super.inspectPrepared(batch);
        }

        @Override
        public Inspection inspect(Path image) {
            Prediction p = new Prediction(0.7, 0.3, Verdict.of(0.7, 0.5), new float[1], 1, 1, List.of(),
                    new boolean[1]);
            return new Inspection(p, new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB), 1.0, 0.5);
        }

        @Override
        public String model() {
            return "broken-once";
        }

        @Override
        public double threshold() {
            return 0.5;
        }

        @Override
        public void setThreshold(double threshold) {}

        @Override
        public double mapThreshold() {
            return 2;
        }

        @Override
        public double mapMax() {
            return 4;
        }
    }
}
