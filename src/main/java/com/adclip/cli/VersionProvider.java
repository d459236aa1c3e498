package com.adclip.cli;

import picocli.CommandLine;

/** Reports the jar's version, DJL's, and the libtorch build it bundles. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {
            com.adclip.Version.software(),
            "DJL 0.36.0, PyTorch engine with libtorch 2.7.1 (CPU)",
            "Java " + System.getProperty("java.version") + " on " + System.getProperty("os.name") + " "
                    + System.getProperty("os.arch")
        };
    }
}
