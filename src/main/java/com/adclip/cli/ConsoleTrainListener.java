package com.adclip.cli;

import com.adclip.AdclipException;
import com.adclip.files.AtomicFiles;
import com.adclip.train.EpochRecord;
import com.adclip.train.LossCurve;
import com.adclip.train.TrainListener;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * What {@code adclip train} shows and logs: a progress bar per epoch with the loss parts, learning rate and ETA
 * (on a terminal), a line per epoch otherwise; {@code train_log.csv} and {@code loss_curve.png} after every epoch.
 */
final class ConsoleTrainListener implements TrainListener {
    static final String LOG = com.adclip.train.TrainingRun.LOG;
    static final String CURVE = "loss_curve.png";

    private final PrintWriter err;
    private final Path dir;
    private final List<EpochRecord> log;
    private final boolean terminal = System.console() != null;
    private ProgressBar bar;
    private int epochs;

    ConsoleTrainListener(PrintWriter err, Path dir, List<EpochRecord> prior) {
        this.err = err;
        this.dir = dir;
        this.log = new ArrayList<>(prior);
    }

    @Override
    public void epochStarted(int epoch, int steps) {
        epochs = Math.max(epochs, epoch);
        if (terminal) {
            bar = new ProgressBarBuilder().setTaskName("epoch " + epoch).setInitialMax(steps)
                    .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).build();
        }
    }

    @Override
    public void stepDone(int epoch, int step, double image, double map, double total, double learningRate) {
        if (bar != null) {
            bar.step();
            bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f (image %.4f, map %.4f) lr %.1e", total, image, map,
                    learningRate));
        }
    }

    @Override
    public void epochDone(EpochRecord record) {
        if (bar != null) {
            bar.close();
            bar = null;
        }
        log.add(record);
        err.printf(Locale.ROOT, "epoch %d: loss %.4f (image %.4f, map %.4f)%s, %.1f s%s%n", record.epoch(), record.loss(),
                record.imageLoss(), record.mapLoss(),
                Double.isNaN(record.validationLoss()) ? "" : String.format(Locale.ROOT, ", validation %.4f",
                        record.validationLoss()), record.seconds(),
                record.encoded() > 0 ? ", " + record.encoded() + " image(s) encoded" : "");
        err.flush();
        writeLog();
        LossCurve.write(dir.resolve(CURVE), log);
    }

    @Override
    public void note(String message) {
        err.println(message);
        err.flush();
    }

    private void writeLog() {
        StringBuilder csv = new StringBuilder(EpochRecord.CSV_HEADER).append('\n');
        log.forEach(r -> csv.append(r.csv()).append('\n'));
        Path file = dir.resolve(LOG);
        try {
            AtomicFiles.writeString(file, csv);
        } catch (IOException e) {
            throw new AdclipException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
