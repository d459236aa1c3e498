package com.adclip.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What a benchmark line says about the machine it ran on. */
public final class Machine {
    private Machine() {}

    /** The CPU model (Linux /proc/cpuinfo), else the architecture. */
    public static String cpuName() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        return System.getProperty("os.arch");
    }

    /** The process's peak resident memory (Linux VmHWM), or -1. */
    static long peakRss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }

    /** The CPU flags that decide GEMM speed: AVX-512 (and its BF16/VNNI parts), AMX; empty when unknown. */
    public static String cpuFlags() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("flags")) {
                    return java.util.Arrays.stream(line.substring(line.indexOf(':') + 1).trim().split("\\s+"))
                            .filter(f -> f.startsWith("avx512") || f.startsWith("amx") || f.equals("avx2")
                                    || f.equals("fma"))
                            .sorted().distinct().collect(java.util.stream.Collectors.joining(" "));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return "";
    }

    /** Seconds (or megabytes) to four decimals, as the JSON lines print them. */
    public static double round(double value) {
        return Math.round(value * 10000) / 10000.0;
    }
}
