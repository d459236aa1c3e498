package com.adclip.cli;

import com.adclip.Detector;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code --max-megapixels} and {@code --max-decoded-mb}, mixed into every command that reads images from outside
 * (predict, serve, watch, worker): both are read from an image's header before it is decoded. What a refusal
 * looks like is the command's: an error row, a 413, the error folder, a poison result.
 */
final class ImageLimits {
    @Option(names = "--max-megapixels", paramLabel = "MP", defaultValue = "40",
            description = "Largest image in megapixels; a larger one is refused before decoding (default: "
                    + "${DEFAULT-VALUE}).")
    double maxMegapixels;

    @Option(names = "--max-decoded-mb", paramLabel = "MB", defaultValue = "160",
            description = "Largest raw decode (width x height x channels x bytes per sample, from the header), e.g. "
                    + "16-bit RGBA of 6300 x 6300 = 317 MB; a larger image is refused (default: ${DEFAULT-VALUE}).")
    double maxDecodedMb;

    /** Both limits must be positive. */
    void validate(CommandLine cl) {
        if (!(maxMegapixels > 0) || !(maxDecodedMb > 0)) {
            throw new CommandLine.ParameterException(cl, "--max-megapixels and --max-decoded-mb must be positive");
        }
    }

    /** The limits as the detector's. */
    Detector.Builder apply(Detector.Builder builder) {
        return builder.maxMegapixels(maxMegapixels).maxDecodedMb(maxDecodedMb);
    }

    /** The pixel limit as a pixel count. */
    long maxPixels() {
        return (long) (maxMegapixels * 1e6);
    }

    /** The decode limit in bytes. */
    long maxDecodedBytes() {
        return (long) (maxDecodedMb * 1e6);
    }
}
