package com.adclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every command's --help at 80 columns wraps only at spaces: with every run of whitespace collapsed, the text is
 * the same as at a width where nothing wraps. A break inside a word ("report.␤html", "--tile-␤stride") adds a space
 * where there was none, and fails this.
 */
class HelpWidthTest {
    private static List<CommandLine> all(CommandLine root) {
        List<CommandLine> all = new ArrayList<>();
        all.add(root);
        for (CommandLine sub : root.getSubcommands().values()) {
            if (sub.getParent() == root) {
                all.addAll(all(sub));
            }
        }
        return all;
    }

    private static String help(String[] path, int width) {
        CommandLine command = Main.configured();
        for (String name : path) {
            command = command.getSubcommands().get(name);
        }
        command.setUsageHelpWidth(width);
        StringWriter text = new StringWriter();
        command.usage(new PrintWriter(text));
        return text.toString();
    }

    private static String collapsed(String text) {
        return text.replaceAll("\\s+", " ").strip();
    }

    /** "" when equal, else the words around the first difference. */
    private static String firstDifference(String expected, String actual) {
        String[] a = expected.split(" ");
        String[] b = actual.split(" ");
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            String x = i < a.length ? a[i] : "";
            String y = i < b.length ? b[i] : "";
            if (!x.equals(y)) {
                int from = Math.max(0, i - 4);
                return "expected '" + String.join(" ", java.util.Arrays.copyOfRange(a, from, Math.min(a.length, i + 4)))
                        + "' but was '" + String.join(" ", java.util.Arrays.copyOfRange(b, from, Math.min(b.length,
                        i + 4))) + "'";
            }
        }
        return "";
    }

    @Test
    void everyCommandsHelpWrapsOnlyAtSpacesAt80Columns() {
        List<String> checked = new ArrayList<>();
        for (CommandLine command : all(Main.configured())) {
            List<String> path = new ArrayList<>();
            for (CommandLine c = command; c.getParent() != null; c = c.getParent()) {
                path.add(0, c.getCommandName());
            }
            String[] names = path.toArray(String[]::new);
            String narrow = help(names, 80);
            String wide = help(names, 2000);
            String name = "adclip " + String.join(" ", names);
            for (String line : narrow.split("\n")) {
                assertTrue(line.length() <= 80 || !line.strip().contains(" "), name + ": too long: " + line);
            }
            assertFalse(narrow.matches("(?s).*[\uE000-\uE0FF].*"), name + ": a stand-in was left in the help");
            assertEquals("", firstDifference(collapsed(wide), collapsed(narrow)),
                    name + " --help breaks a line inside a word:\n" + narrow);
            assertTrue(wide.split("\n").length < narrow.split("\n").length || names.length == 0
                    || narrow.length() < 800, name + ": the wide help did not get wider");
            checked.add(name);
        }
        assertTrue(checked.size() >= 18, checked.toString());
        assertTrue(checked.contains("adclip reference add"), checked.toString());
    }

    @Test
    void theFileNamesThatUsedToBreakAreWholeAndTheDefaultsAreStillFilledIn() {
        String predict = help(new String[] {"predict"}, 80);
        assertTrue(predict.contains("<name>_mask.png"), predict);
        assertTrue(collapsed(predict).contains("docs/benchmarks.md"), predict);
        String bench = help(new String[] {"bench"}, 80);
        assertTrue(collapsed(bench).contains("(default: 1280x960)"), bench);
        assertFalse(bench.contains("${DEFAULT-VALUE}"), bench);
    }
}
