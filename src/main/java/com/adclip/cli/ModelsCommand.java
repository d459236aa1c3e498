package com.adclip.cli;

import com.adclip.AdclipException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until implemented. */
@Command(name = "models", mixinStandardHelpOptions = true, description = "(not yet implemented)")
final class ModelsCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new AdclipException("models is not implemented yet");
    }
}
