package com.adclip.cli;

import com.adclip.AdclipException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until implemented. */
@Command(name = "fetch-model", mixinStandardHelpOptions = true, description = "(not yet implemented)")
final class FetchModelCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new AdclipException("fetch-model is not implemented yet");
    }
}
