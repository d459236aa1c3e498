package com.adclip.cli;

import java.util.LinkedHashMap;
import java.util.ListResourceBundle;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Help text that wraps only at spaces. picocli wraps with the JDK's line {@code BreakIterator}, which also breaks
 * inside words, after '.', '-', '/', ':', ',', '|', ']' and before '[': "report.␤html", "an .␤adclip",
 * "--tile-␤stride", "docs/benchmarks.␤md", "jdbc:postgresql:␤//HOST". Here, before picocli wraps a description,
 * the punctuation inside words is replaced by private-use characters of the same width, which the iterator
 * keeps inside a word (through a resource bundle of the descriptions, the way picocli localises them); every help
 * section puts the characters back after rendering. The synopsis, made of option names, is rendered on one line
 * and wrapped at spaces here. {@code ${...}} variables and picocli's {@code %n} are left as they are.
 */
final class HelpWrapping {
    /**
     * Punctuation the line iterator may break at inside a word; each has a stand-in at U+E000 + its index (Unicode
     * private use area, which the iterator treats as letters).
     */
    private static final String PUNCTUATION = ".-/:,|;])[(=+'\"<>!?*&#@~`^{}_\\";
    private static final char FIRST_STAND_IN = '\uE000';

    private HelpWrapping() {}

    /** Installs the wrapping on {@code commandLine} and all its subcommands. */
    static void install(CommandLine commandLine) {
        CommandSpec spec = commandLine.getCommandSpec();
        Map<String, String> texts = new LinkedHashMap<>();
        put(texts, "usage.description", spec.usageMessage().description());
        for (OptionSpec option : spec.options()) {
            for (String name : option.names()) {
                put(texts, name.replaceFirst("^-+", ""), option.description());
            }
        }
        for (PositionalParamSpec positional : spec.positionalParameters()) {
            put(texts, positional.paramLabel() + "[" + positional.index() + "]", positional.description());
        }
        spec.resourceBundle(bundle(texts));
        Map<String, CommandLine.IHelpSectionRenderer> sections = new LinkedHashMap<>();
        commandLine.getHelpSectionMap().forEach((key, renderer) -> sections.put(key,
                CommandLine.Model.UsageMessageSpec.SECTION_KEY_SYNOPSIS.equals(key) ? synopsis(renderer)
                        : help -> restore(renderer.render(help))));
        commandLine.setHelpSectionMap(sections);
        for (CommandLine sub : commandLine.getSubcommands().values()) {
            if (sub.getParent() == commandLine) { // aliases list the same subcommand again
                install(sub);
            }
        }
    }

    /**
     * The synopsis is made of option names, which picocli breaks like descriptions ("[--features=BLOCKS[,␤
     * BLOCKS...]]"): it is rendered on one line and wrapped here at spaces, continuation lines indented after
     * "Usage: adclip NAME " as picocli indents them (at most half the width).
     */
    private static CommandLine.IHelpSectionRenderer synopsis(CommandLine.IHelpSectionRenderer renderer) {
        return help -> {
            CommandLine.Model.UsageMessageSpec usage = help.commandSpec().usageMessage();
            int width = usage.width();
            String wide;
            usage.width(WIDE);
            try {
                wide = renderer.render(help);
            } finally {
                usage.width(width);
            }
            // the heading ("Usage: ") is its own section, printed just before this one on the first line
            String heading = help.synopsisHeading();
            String prefix = heading + help.commandSpec().qualifiedName() + " ";
            int indent = Math.min(prefix.length(), width / 2);
            StringBuilder out = new StringBuilder();
            for (String line : wide.split("\\n", -1)) {
                if (out.length() > 0) {
                    out.append('\n');
                }
                out.append(line.isEmpty() ? "" : wrap(heading + line, width, indent).substring(heading.length()));
            }
            return restore(out.toString());
        };
    }

    private static final int WIDE = 10_000;

    /** {@code line} broken at spaces into lines of at most {@code width} (a longer word stays whole). */
    static String wrap(String line, int width, int indent) {
        if (line.length() <= width) {
            return line;
        }
        StringBuilder out = new StringBuilder();
        StringBuilder current = new StringBuilder(line.substring(0, line.length() - line.stripLeading().length()));
        boolean empty = true; // no word on the current line yet
        for (String word : line.strip().split(" +")) {
            if (!empty && current.length() + 1 + word.length() > width) {
                out.append(current).append('\n');
                current.setLength(0);
                current.append(" ".repeat(indent));
                empty = true;
            }
            current.append(empty ? "" : " ").append(word);
            empty = false;
        }
        return out.append(current).toString();
    }

    private static void put(Map<String, String> texts, String key, String[] lines) {
        for (int i = 0; i < lines.length; i++) {
            texts.put(key + "." + i, protect(lines[i]));
        }
    }

    private static ListResourceBundle bundle(Map<String, String> texts) {
        Object[][] contents = new Object[texts.size()][];
        int i = 0;
        for (Map.Entry<String, String> entry : texts.entrySet()) {
            contents[i++] = new Object[] {entry.getKey(), entry.getValue()};
        }
        return new ListResourceBundle() {
            @Override
            protected Object[][] getContents() {
                return contents;
            }
        };
    }

    /**
     * Punctuation inside a word (next to a non-space character on either side) becomes its stand-in, outside
     * {@code ${...}} variables ('%' is left for picocli's {@code %n}).
     */
    static String protect(String text) {
        StringBuilder out = new StringBuilder(text.length());
        boolean variable = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '{') {
                variable = true;
            } else if (c == '}' && variable) {
                variable = false;
                out.append(c);
                continue;
            }
            int kind = PUNCTUATION.indexOf(c);
            boolean before = i > 0 && !Character.isWhitespace(text.charAt(i - 1));
            boolean after = i + 1 < text.length() && !Character.isWhitespace(text.charAt(i + 1));
            out.append(kind >= 0 && !variable && (before || after) ? (char) (FIRST_STAND_IN + kind) : c);
        }
        return out.toString();
    }

    /** The rendered text with the stand-ins turned back into the characters they stand for. */
    static String restore(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int kind = c - FIRST_STAND_IN;
            out.append(kind >= 0 && kind < PUNCTUATION.length() ? PUNCTUATION.charAt(kind) : c);
        }
        return out.toString();
    }
}
