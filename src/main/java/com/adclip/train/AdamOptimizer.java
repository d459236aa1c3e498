package com.adclip.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code torch.optim.Adam} and {@code AdamW} with PyTorch's exact update (bias corrections applied to the step
 * size and to √v before ε), in place on the parameters. Its moments and step count can be saved and restored,
 * so a resumed run continues exactly.
 */
public final class AdamOptimizer implements AutoCloseable {
    private final OptimizerConfig config;
    private final NDManager manager;
    private final Map<String, NDArray> firstMoments = new LinkedHashMap<>();
    private final Map<String, NDArray> secondMoments = new LinkedHashMap<>();
    private long step;

    public AdamOptimizer(OptimizerConfig config, NDManager parent) {
        this.config = config;
        this.manager = parent.newSubManager();
    }

    public long step() {
        return step;
    }

    /** One update of every parameter from its gradient. Parameters are modified in place. */
    public void update(Map<String, NDArray> parameters) {
        step++;
        double bias1 = 1 - Math.pow(config.beta1(), step);
        double bias2 = 1 - Math.pow(config.beta2(), step);
        for (Map.Entry<String, NDArray> entry : parameters.entrySet()) {
            update(entry.getKey(), entry.getValue(), bias1, bias2);
        }
    }

    private void update(String name, NDArray parameter, double bias1, double bias2) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray gradient = parameter.getGradient();
            gradient.attach(scope);
            if (config.kind() == OptimizerConfig.Kind.ADAM && config.weightDecay() != 0) {
                gradient = gradient.add(parameter.mul(config.weightDecay())); // L2 penalty, as torch's Adam
            }
            NDArray m = moment(firstMoments, name, parameter);
            NDArray v = moment(secondMoments, name, parameter);
            m.muli(config.beta1()).addi(gradient.mul(1 - config.beta1()));
            v.muli(config.beta2()).addi(gradient.square().mul(1 - config.beta2()));
            NDArray denominator = v.sqrt().div((float) Math.sqrt(bias2)).add(config.epsilon());
            NDArray change = m.div(denominator).mul((float) (config.learningRate() / bias1));
            if (config.kind() == OptimizerConfig.Kind.ADAMW && config.weightDecay() != 0) {
                parameter.muli(1 - config.learningRate() * config.weightDecay()); // decoupled decay, as AdamW
            }
            parameter.subi(change);
        }
    }

    private NDArray moment(Map<String, NDArray> moments, String name, NDArray parameter) {
        return moments.computeIfAbsent(name, key -> manager.zeros(parameter.getShape()));
    }

    /** Moments under {@code exp_avg.NAME} / {@code exp_avg_sq.NAME} (torch's names), for checkpoints. */
    public Map<String, NDArray> state() {
        Map<String, NDArray> state = new LinkedHashMap<>();
        firstMoments.forEach((name, m) -> state.put("exp_avg." + name, m));
        secondMoments.forEach((name, v) -> state.put("exp_avg_sq." + name, v));
        return state;
    }

    /** Restores {@link #state()} and the step count of a saved run. */
    public void restore(Map<String, NDArray> state, long steps) {
        firstMoments.clear();
        secondMoments.clear();
        state.forEach((key, value) -> {
            NDArray copy = value.duplicate();
            copy.attach(manager);
            if (key.startsWith("exp_avg_sq.")) {
                secondMoments.put(key.substring("exp_avg_sq.".length()), copy);
            } else if (key.startsWith("exp_avg.")) {
                firstMoments.put(key.substring("exp_avg.".length()), copy);
            }
        });
        this.step = steps;
    }

    @Override
    public void close() {
        manager.close();
    }
}
