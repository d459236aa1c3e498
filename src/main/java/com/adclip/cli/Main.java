package com.adclip.cli;

import com.adclip.AdclipException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code adclip} command line. Exit codes: 0 success, 1 failure, 2 bad usage. */
@Command(
        name = "adclip",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "CLIP anomaly detection for production lines (a JVM port of AnomalyCLIP).",
        subcommands = {
            DemoCommand.class,
            ModelsCommand.class,
            FetchModelCommand.class,
            DatasetCommand.class,
            SynthCommand.class,
            TrainCommand.class,
            TestCommand.class,
            CalibrateCommand.class,
            PredictCommand.class,
            ImportCommand.class,
            ReferenceCommand.class,
            ServeCommand.class,
            WatchCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    @Option(
            names = "--verbose",
            scope = ScopeType.INHERIT,
            description = "Show stack traces of errors.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code (used by tests as well as {@link #main}). */
    public static int run(String... args) {
        Main main = new Main();
        CommandLine commandLine = new CommandLine(main);
        commandLine.setExecutionExceptionHandler(Main::handleFailure);
        return commandLine.execute(args);
    }

    /** Like {@link #run(String...)}, writing to {@code out} and {@code err} instead of stdout and stderr. */
    static int run(PrintWriter out, PrintWriter err, String... args) {
        Main main = new Main();
        CommandLine commandLine = new CommandLine(main);
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler(Main::handleFailure);
        return commandLine.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    private static int handleFailure(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        boolean verbose = parsed.expandedArgs().contains("--verbose");
        if (e instanceof AdclipException) {
            err.println("adclip: error: " + e.getMessage());
        } else {
            err.println("adclip: internal error: " + e + (verbose ? "" : " (run with --verbose for details)"));
        }
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
        return e instanceof AdclipException known ? known.exitCode() : AdclipException.FAILURE;
    }
}
