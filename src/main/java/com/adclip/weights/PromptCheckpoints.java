package com.adclip.weights;

import java.net.URI;
import java.util.List;

/**
 * The prompt checkpoints AnomalyCLIP published (github.com/zqhang/AnomalyCLIP, {@code checkpoints/}): prompts
 * trained on one dataset for zero-shot use on products never seen. Import one with {@code adclip import} and
 * use it with no training at all; see {@code docs/zero-shot.md}.
 *
 * <p>Their SHA-256 is not published upstream and cannot be pinned here (this project has no network to the
 * files): {@code adclip import} prints the file's hash and records it in the bundle, so the first download
 * fixes it for everyone who compares.
 */
public final class PromptCheckpoints {

    private static final String BASE = "https://github.com/zqhang/AnomalyCLIP/raw/main/checkpoints/";

    /**
     * A published checkpoint.
     *
     * @param name our short name
     * @param url where to download it
     * @param trainedOn the dataset its prompts were trained on
     * @param useFor what it is for
     * @param clipModel the CLIP model it was trained with (pass that model's weights to {@code import})
     * @param sha256 the pinned SHA-256, or null when it cannot be pinned
     */
    public record Entry(String name, URI url, String trainedOn, String useFor, String clipModel, String sha256) {}

    private static final List<Entry> ALL = List.of(
            new Entry("anomalyclip-mvtec", URI.create(BASE + "9_12_4_multiscale/epoch_15.pth"), "MVTec AD",
                    "zero-shot on other products (VisA, your line); the reference's headline checkpoint",
                    "ViT-L/14@336px", null),
            new Entry("anomalyclip-visa", URI.create(BASE + "9_12_4_multiscale_visa/epoch_15.pth"), "VisA",
                    "zero-shot on MVTec AD-like objects and textures", "ViT-L/14@336px", null));

    private PromptCheckpoints() {}

    /** Every published checkpoint, the MVTec-trained one first. */
    public static List<Entry> all() {
        return ALL;
    }
}
