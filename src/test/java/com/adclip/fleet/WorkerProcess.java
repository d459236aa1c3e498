package com.adclip.fleet;

import com.adclip.cli.Main;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * An {@code adclip worker} in a child JVM (this JVM's classpath: target/classes and the test classpath) on the
 * golden tiny model, with one libtorch thread (several workers share two cores), and every line it printed.
 */
record WorkerProcess(String name, Process process, List<String> log) {

    static WorkerProcess start(String name, String bootstrap, String topic, String group, String history, Path bundle,
            Path golden, String... extra) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), "-Xmx1g", "-Dai.djl.offline=true",
                "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1", Main.class.getName(),
                "worker", "--kafka", bootstrap, "--topic", topic, "--group", group, "--results-topic",
                topic + ".results", "--history", history, "--bundle", bundle.toString(), "--weights",
                golden.resolve("tiny-clip.pt").toString(), "--metrics-port", "0", "--worker-id", name,
                "--kafka-property", "session.timeout.ms=6000", "--kafka-property", "heartbeat.interval.ms=500"));
        command.addAll(List.of(extra));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("OMP_NUM_THREADS", "1");
        Process process = builder.start();
        List<String> log = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    log.add(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, name + "-log");
        reader.setDaemon(true);
        reader.start();
        return new WorkerProcess(name, process, log);
    }

    /** True when its latest assignment has partitions. */
    boolean assigned() {
        for (int i = log.size() - 1; i >= 0; i--) {
            if (log.get(i).contains(": assigned [")) {
                return !log.get(i).endsWith("assigned []");
            }
        }
        return false;
    }

    static String logs(List<WorkerProcess> workers) {
        StringBuilder out = new StringBuilder();
        for (WorkerProcess w : workers) {
            out.append("\n--- ").append(w.name()).append('\n').append(String.join("\n", w.log()));
        }
        return out.toString();
    }

    /** Waits until every worker has partitions; fails early when one dies. */
    static void awaitAssigned(List<WorkerProcess> workers, long seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!workers.stream().allMatch(WorkerProcess::assigned)) {
            for (WorkerProcess w : workers) {
                if (!w.process().isAlive()) {
                    throw new AssertionError(w.name() + " died: " + logs(workers));
                }
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for assignments: " + logs(workers));
            }
            Thread.sleep(100);
        }
    }
}
