package com.adclip.cli;

import com.adclip.weights.Download;
import com.adclip.weights.DownloadListener;
import com.adclip.weights.Sizes;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/** Reports a model download on stderr: one line per event, and a progress bar when stderr is a terminal. */
final class ConsoleDownloadListener implements DownloadListener {

    private final String model;
    private final PrintWriter err;
    private final boolean showBar;
    private ProgressBar bar;

    ConsoleDownloadListener(String model, PrintWriter err, boolean showBar) {
        this.model = model;
        this.err = err;
        this.showBar = showBar;
    }

    @Override
    public void alreadyCached(Path file) {
        say(model + " is already downloaded and its sha256 checks out: " + file);
    }

    @Override
    public void cachedFileCorrupt(Path file, String expected, String actual) {
        say(file + " has sha256 " + actual + ", expected " + expected + "; downloading it again");
    }

    @Override
    public void started(Download download, long alreadyHave, long totalBytes) {
        String size = totalBytes < 0 ? "" : " (" + Sizes.human(totalBytes) + ")";
        say(alreadyHave > 0
                ? "resuming " + model + size + " from " + download.url() + " at " + Sizes.human(alreadyHave)
                : "downloading " + model + size + " from " + download.url());
        if (showBar) {
            bar = new ProgressBarBuilder()
                    .setTaskName(model)
                    .setInitialMax(totalBytes)
                    .setUnit("MB", Sizes.MB)
                    .showSpeed()
                    .startsFrom(alreadyHave, Duration.ZERO)
                    .build();
        }
    }

    @Override
    public void progressed(long bytes) {
        if (bar != null) {
            bar.stepTo(bytes);
        }
    }

    @Override
    public void stopped() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    @Override
    public void retrying(int attempt, int maxAttempts, String reason) {
        say("download interrupted (" + reason + "); resuming, attempt " + attempt + " of " + maxAttempts);
    }

    private void say(String line) {
        err.println("adclip: " + line);
        err.flush();
    }
}
