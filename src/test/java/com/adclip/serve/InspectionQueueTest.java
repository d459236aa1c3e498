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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The inspection worker outlives a model that answers a batch wrongly, and frees the batch's queue slots; request
 * threads prepare their images within the station's CPU lanes.
 */
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

    @Test
    void atMostOneRequestThreadPreparesAtOnceOnOneLane() throws Exception {
        MeetingPreparer model = new MeetingPreparer();
        try (InspectionQueue queue = new InspectionQueue(model, 8, new CpuLanes(1))) {
            List<Thread> clients = new ArrayList<>();
            List<InspectionQueue.Ticket> tickets = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < 4; i++) {
                Path image = Path.of("client-" + i + ".png");
                Thread client = new Thread(() -> {
                    try {
                        tickets.add(queue.submit(image));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                clients.add(client);
                client.start();
            }
            for (Thread client : clients) {
                client.join(20_000);
            }
            assertEquals(4, tickets.size(), "every client's image was queued");
            for (InspectionQueue.Ticket ticket : tickets) {
                assertEquals(0.7, ticket.result.get(10, TimeUnit.SECONDS).score());
            }
            assertEquals(4, model.prepared.get());
            assertEquals(1, model.mostAtOnce.get(), "one lane: the uploads were decoded one after another");
        }
    }

    @Test
    void aStationDecodesOnHalfTheCoresAtLeastOne() {
        assertEquals(1, CpuLanes.defaultLanes(1));
        assertEquals(1, CpuLanes.defaultLanes(2));
        assertEquals(2, CpuLanes.defaultLanes(4));
        assertEquals(8, CpuLanes.defaultLanes(16));
        assertThrows(IllegalArgumentException.class, () -> new CpuLanes(0));
    }

    /**
     * A model whose preparation waits (up to 300 ms) for a second preparation to run beside it, and counts how many
     * ran at once: without a bound, two request threads meet there.
     */
    private static final class MeetingPreparer extends BrokenOnce {
        private final CountDownLatch meeting = new CountDownLatch(2);
        private final AtomicInteger running = new AtomicInteger();
        final AtomicInteger mostAtOnce = new AtomicInteger();
        final AtomicInteger prepared = new AtomicInteger();

        MeetingPreparer() {
            batchesAnsweredWrongly(0);
        }

        @Override
        public Prepared prepare(Path image) {
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                meeting.countDown();
                meeting.await(300, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                running.decrementAndGet();
            }
            prepared.incrementAndGet();
            return super.prepare(image);
        }
    }

    /** Answers its first batch (or as many as told) with no outcome at all, then as a model should. */
    private static class BrokenOnce implements Inspector {
        private final AtomicInteger batches = new AtomicInteger();
        private int wrong = 1;

        void batchesAnsweredWrongly(int count) {
            wrong = count;
        }

        @Override
        public List<Outcome> inspectPrepared(List<Prepared> batch) {
            return batches.getAndIncrement() < wrong ? List.of() : Inspector.super.inspectPrepared(batch);
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
