package com.adclip.cli;

import com.adclip.Detector;
import com.adclip.serve.FolderWatcher;
import com.adclip.serve.Inspector;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code adclip watch}: a hot folder sorting images into OK and NG folders. */
@Command(
        name = "watch",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Watch a folder: each new image, once fully written, is inspected and moved (or copied) to the OK or "
                    + "NG folder with its overlay, and a row is appended to the results CSV.",
            "Unreadable files go to the error folder with a .reason.txt. A journal in IN (.adclip-watch.journal) "
                    + "makes restarts safe: no file is skipped or done twice. Stop with Ctrl-C."
        })
final class WatchCommand implements Callable<Integer> {
    @Mixin ConfigFile.Option configOption;

    @Mixin DetectorOptions detectorOptions;
    @Mixin ModelOptions modelOptions;

    @Parameters(index = "0", paramLabel = "IN", description = "The folder to watch.")
    Path in;

    @Option(names = "--ok", paramLabel = "DIR", required = true, description = "Where OK images go.")
    Path ok;

    @Option(names = "--ng", paramLabel = "DIR", required = true, description = "Where NG images go.")
    Path ng;

    @Option(names = "--error", paramLabel = "DIR", description = "Where unreadable files go (default: IN/error).")
    Path error;

    @Option(names = "--results", paramLabel = "FILE", defaultValue = "results.csv",
            description = "Results CSV, appended to (default: ${DEFAULT-VALUE}).")
    Path results;

    @Option(names = "--copy", description = "Copy instead of move (IN keeps its files).")
    boolean copy;

    @Mixin ThresholdOption threshold;

    @Option(names = "--poll-ms", paramLabel = "MS", defaultValue = "500",
            description = "Time between two looks at IN (default: ${DEFAULT-VALUE}); a file is taken once its size "
                    + "and time are the same over two looks.")
    long pollMs;

    @Mixin ImageLimits limits;

    @Option(names = "--once", description = "Process what is in IN now (two looks), then exit.")
    boolean once;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        if (pollMs < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--poll-ms must be positive");
        }
        limits.validate(spec.commandLine());
        PrintWriter err = spec.commandLine().getErr();
        try (Detector detector = limits.apply(detectorOptions.builder(modelOptions)).build()) {
            double image = StationSetup.imageThreshold(detector, threshold.value());
            Inspector inspector = StationSetup.inspector(detector, image);
            String reference = ReferenceText.line(detector);
            if (reference != null) {
                err.println("adclip watch: " + reference);
                err.flush();
            }
            FolderWatcher.Config config = new FolderWatcher.Config(in, ok, ng, error != null ? error : in.resolve("error"),
                    results, copy, Duration.ofMillis(pollMs));
            try (FolderWatcher watcher = new FolderWatcher(config, inspector)) {
                if (once) {
                    watcher.pollOnce(() -> true);
                    Thread.sleep(pollMs);
                    watcher.pollOnce(() -> true);
                } else {
                    run(watcher, err);
                }
                FolderWatcher.Tally t = watcher.tally();
                err.println("adclip watch: " + t.ok() + " OK, " + t.ng() + " NG, " + t.errors() + " errors; results in "
                        + results);
                err.flush();
            }
            return 0;
        }
    }

    private void run(FolderWatcher watcher, PrintWriter err) throws InterruptedException {
        AtomicBoolean running = new AtomicBoolean(true);
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            running.set(false);
            try {
                finished.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "adclip-watch-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        err.println("adclip watch: watching " + in + " (Ctrl-C to stop)");
        err.flush();
        try {
            watcher.run(running::get);
        } finally {
            finished.countDown();
        }
    }
}
