package com.adclip;

/** The software's version: from the jar's manifest, or "development build" when run from classes. */
public final class Version {
    private Version() {}

    /** The version number, or null outside a built jar. */
    public static String number() {
        return Version.class.getPackage().getImplementationVersion();
    }

    /** {@code "adclip 0.1.0"}, or {@code "adclip development build"}: what outputs record as their software. */
    public static String software() {
        String version = number();
        return "adclip " + (version == null ? "development build" : version);
    }
}
