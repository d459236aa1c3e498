package com.adclip.cli;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Runs the CLI with a daemon thread that keeps allocating heap garbage and small direct buffers filled with
 * {@code 0x7f} bytes. With a tiny young generation this collects often and reuses freed direct memory at once,
 * so a tensor that only borrowed a freed JVM buffer reads foreign values (issue 10). For child JVMs of tests.
 */
final class AllocationPressure {
    private AllocationPressure() {}

    public static void main(String[] args) {
        Thread pressure = new Thread(AllocationPressure::allocate, "allocation-pressure");
        pressure.setDaemon(true);
        pressure.start();
        Main.main(args);
    }

    @SuppressWarnings("unused")
    private static void allocate() {
        byte[] fill = new byte[64];
        Arrays.fill(fill, (byte) 0x7f);
        long sink = 0;
        while (true) {
            for (int i = 0; i < 200; i++) {
                ByteBuffer direct = ByteBuffer.allocateDirect(fill.length);
                direct.put(fill);
                byte[] garbage = new byte[4096];
                sink += garbage.length + direct.position();
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
