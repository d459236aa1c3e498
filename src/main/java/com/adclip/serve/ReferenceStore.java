package com.adclip.serve;

import java.nio.file.Path;

/**
 * The station's way to add an inspected image to its bundle's bank of good reference images
 * ({@code POST /api/v1/reference}). Implementations save the bundle atomically and make the running model use the
 * new bank.
 */
public interface ReferenceStore {
    /**
     * What was saved.
     *
     * @param images reference images in the bank now
     * @param sha256 of the image added
     * @param bundle the bundle's file name
     * @param backup the previous bundle's file name
     */
    record Added(int images, String sha256, String bundle, String backup) {}

    /**
     * Adds one image file to the bank and saves the bundle.
     *
     * @param name the image's display name, recorded in the bank
     * @throws Inspector.ImageRejectedException when the image cannot be used or is already a reference
     * @throws IllegalStateException when the bundle cannot take it (no bank, changed on disk)
     */
    Added add(Path image, String name);
}
