package com.adclip.cli;

import com.adclip.AdclipException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until implemented. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "(not yet implemented)")
final class BenchCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new AdclipException("bench is not implemented yet");
    }
}
