package com.adclip.cli;

import com.adclip.AdclipException;
import java.io.PrintWriter;
import java.util.Arrays;
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
            WorkerCommand.class,
            BenchCommand.class,
            ExportCommand.class,
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
        return execute(configured(), args);
    }

    /** Like {@link #run(String...)}, writing to {@code out} and {@code err} instead of stdout and stderr. */
    static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine commandLine = configured();
        commandLine.setOut(out);
        commandLine.setErr(err);
        return execute(commandLine, args);
    }

    /** Reads {@code --config FILE} before parsing (its values are defaults), then runs. */
    private static int execute(CommandLine commandLine, String[] args) {
        try {
            ConfigFile.install(commandLine, args);
        } catch (AdclipException e) {
            commandLine.getErr().println("adclip: error: " + e.getMessage());
            commandLine.getErr().flush();
            return e.exitCode();
        }
        return commandLine.execute(args);
    }

    /** Runs the command, then writes the configuration it ran with to its output folder (if it has one). */
    private static int runAndRecord(CommandLine.ParseResult parsed) {
        int code = new CommandLine.RunLast().execute(parsed);
        CommandLine.ParseResult last = parsed;
        boolean help = parsed.isUsageHelpRequested() || parsed.isVersionHelpRequested();
        while (last.hasSubcommand()) {
            last = last.subcommand();
            help |= last.isUsageHelpRequested() || last.isVersionHelpRequested();
        }
        if (!help && last.commandSpec().userObject() instanceof ConfigFile.Repeatable run) {
            java.nio.file.Path dir = run.outputFolder();
            if (dir != null && java.nio.file.Files.isDirectory(dir)) {
                ConfigFile.write(last.commandSpec(), dir);
            }
        }
        return code;
    }

    /** The configured command line, for tests that render its help. */
    static CommandLine configured() {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setExecutionExceptionHandler(Main::handleFailure);
        commandLine.setParameterExceptionHandler(Main::handleBadUsage);
        commandLine.setExecutionStrategy(Main::runAndRecord);
        versionEverywhere(commandLine);
        HelpWrapping.install(commandLine);
        return commandLine;
    }

    /** {@code adclip train --version} prints what {@code adclip --version} prints (picocli: nothing). */
    private static void versionEverywhere(CommandLine commandLine) {
        for (CommandLine sub : commandLine.getSubcommands().values()) {
            if (sub.getCommandSpec().versionProvider() == null) {
                sub.getCommandSpec().versionProvider(new VersionProvider());
            }
            versionEverywhere(sub);
        }
    }

    /**
     * Bad usage: one line with picocli's suggestion, if it has one, and a pointer to {@code --help}, instead of
     * the message followed by the whole usage (109 lines for {@code train}). Exit code 2.
     */
    private static int handleBadUsage(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        String message = e.getMessage().strip();
        if (e instanceof CommandLine.UnmatchedArgumentException unmatched) {
            String option = unmatched.isUnknownOption() ? unmatched.getUnmatched().stream()
                    .filter(a -> a.startsWith("-")).findFirst().orElse(null) : null;
            if (option != null) { // not "Unknown options: '--epochz', '3'": the 3 was only the option's value
                message = "Unknown option: '" + option + "'";
            }
            if (!unmatched.getSuggestions().isEmpty()) {
                message = message + "; did you mean " + String.join(" or ", unmatched.getSuggestions()) + "?";
            }
        }
        err.println("adclip: error: " + message);
        err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for more information.");
        if (Arrays.asList(args).contains("--verbose")) {
            e.printStackTrace(err);
        }
        err.flush();
        return AdclipException.USAGE;
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
