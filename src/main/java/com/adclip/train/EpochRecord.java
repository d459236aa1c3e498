package com.adclip.train;

/**
 * One row of {@code train_log.csv}.
 *
 * @param epoch 1-based
 * @param loss mean weighted training loss
 * @param imageLoss mean image cross-entropy
 * @param mapLoss mean map loss (Σ over layers)
 * @param validationLoss mean weighted validation loss, NaN without validation
 * @param validationAuroc image AUROC on the validation set, NaN when not computable
 * @param learningRate the optimiser's learning rate
 * @param seconds wall time of the epoch
 * @param encoded images run through the vision tower during the epoch (0 once cached)
 */
public record EpochRecord(int epoch, double loss, double imageLoss, double mapLoss, double validationLoss,
        double validationAuroc, double learningRate, double seconds, int encoded) {

    public static final String CSV_HEADER =
            "epoch,loss,image_loss,map_loss,val_loss,val_image_auroc,lr,seconds,encoded_images";

    public String csv() {
        return String.join(",", Integer.toString(epoch), num(loss), num(imageLoss), num(mapLoss), num(validationLoss),
                num(validationAuroc), num(learningRate), String.format(java.util.Locale.ROOT, "%.3f", seconds),
                Integer.toString(encoded));
    }

    /** Reads a row written by {@link #csv()}. */
    public static EpochRecord parse(String line) {
        String[] f = line.split(",", -1);
        return new EpochRecord(Integer.parseInt(f[0]), d(f[1]), d(f[2]), d(f[3]), d(f[4]), d(f[5]), d(f[6]), d(f[7]),
                Integer.parseInt(f[8]));
    }

    private static double d(String s) {
        return s.isEmpty() ? Double.NaN : Double.parseDouble(s);
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.format(java.util.Locale.ROOT, "%.6g", v);
    }
}
