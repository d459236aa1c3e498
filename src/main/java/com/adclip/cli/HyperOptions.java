package com.adclip.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Stack;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Every detector hyper-parameter, with the reference's spellings as aliases ({@code --image_size},
 * {@code --features_list 6 12 18 24}, {@code --n_ctx}, ...). Unset options keep the bundle's or checkpoint's
 * values, else the model card's defaults.
 */
final class HyperOptions {
    @Option(names = {"--image-size", "--image_size"}, paramLabel = "N",
            description = "Input side in pixels (default: the bundle's, else 518).")
    Integer imageSize;

    @Option(names = {"--features", "--features_list"}, paramLabel = "BLOCKS", split = ",",
            parameterConsumer = IntegerListConsumer.class,
            description = "1-based vision blocks for the maps, e.g. 6,12,18,24 (default: the bundle's, else the "
                    + "quarters of the tower).")
    List<Integer> features;

    @Option(names = {"--dpam", "--DPAM_layer", "--dpam_layer"}, paramLabel = "N",
            description = "DPAM: the last N-1 vision blocks run the V-V path (default: the bundle's, else 20 for "
                    + "ViT-L, 10 for ViT-B).")
    Integer dpam;

    @Option(names = "--depth", paramLabel = "N", description = "Prompt depth; must match the prompts.")
    Integer depth;

    @Option(names = {"--n-ctx", "--n_ctx"}, paramLabel = "N", description = "Context vectors; must match the prompts.")
    Integer nCtx;

    @Option(names = {"--t-n-ctx", "--t_n_ctx"}, paramLabel = "N",
            description = "Deep-prompt tokens; must match the prompts.")
    Integer tNCtx;

    @Option(names = "--sigma", paramLabel = "S",
            description = "Gaussian smoothing of the map in pixels of the S×S map; 0 = none (default: the bundle's, "
                    + "else 4).")
    Double sigma;

    @Option(names = "--temperature", paramLabel = "T",
            description = "Softmax temperature of CLIP similarities (default: the bundle's, else 0.07).")
    Float temperature;

    /** Consumes {@code 6,12,18,24} or {@code 6 12 18 24}, stopping at the first token that is not a number list. */
    /** The options as overrides of a detector's own hyper-parameters. */
    com.adclip.anomaly.ConfigOverrides overrides() {
        return new com.adclip.anomaly.ConfigOverrides(imageSize, features, dpam, sigma, temperature, nCtx, tNCtx,
                depth);
    }

    /** Sets the options that were given on {@code builder}. */
    com.adclip.Detector.Builder applyTo(com.adclip.Detector.Builder builder) {
        if (imageSize != null) {
            builder.imageSize(imageSize);
        }
        if (features != null) {
            builder.features(features);
        }
        if (dpam != null) {
            builder.dpam(dpam);
        }
        if (sigma != null) {
            builder.sigma(sigma);
        }
        if (temperature != null) {
            builder.temperature(temperature);
        }
        if (nCtx != null) {
            builder.nCtx(nCtx);
        }
        if (tNCtx != null) {
            builder.tNCtx(tNCtx);
        }
        if (depth != null) {
            builder.depth(depth);
        }
        return builder;
    }

    static final class IntegerListConsumer implements CommandLine.IParameterConsumer {
        @Override
        public void consumeParameters(Stack<String> args, CommandLine.Model.ArgSpec argSpec,
                CommandLine.Model.CommandSpec commandSpec) {
            List<Integer> values = new ArrayList<>();
            while (!args.isEmpty() && args.peek().matches("\\d+(,\\d+)*,?")) {
                for (String part : args.pop().split(",")) {
                    if (!part.isEmpty()) {
                        values.add(Integer.parseInt(part));
                    }
                }
            }
            if (values.isEmpty()) {
                throw new CommandLine.ParameterException(commandSpec.commandLine(),
                        "option '" + argSpec.paramLabel() + "' needs block numbers, e.g. 6,12,18,24");
            }
            argSpec.setValue(values);
        }
    }
}
