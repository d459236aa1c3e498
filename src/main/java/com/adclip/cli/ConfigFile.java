package com.adclip.cli;

import com.adclip.AdclipException;
import com.adclip.files.AtomicFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code --config FILE}: a YAML map whose keys are a command's long options without the dashes
 * ({@code epochs: 20}, {@code batch-size: 4}; either spelling of an option with two names). Its values become
 * the option defaults, so the command line still wins. Relative paths are relative to the current folder, as
 * on the command line. Every run of a {@link Repeatable} command writes the configuration it ran with to its
 * output folder as {@code config.yaml}, which {@code --config} reads back.
 */
final class ConfigFile {
    /** The name of the file each run writes. */
    static final String WRITTEN = "config.yaml";

    private static final Set<String> NOT_CONFIG = Set.of("help", "version", "verbose", "config");
    private static final YAMLMapper YAML = YAMLMapper.builder(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)).build();

    private ConfigFile() {}

    /** A command whose run can be repeated from the {@code config.yaml} it writes to {@link #outputFolder()}. */
    interface Repeatable {
        /** Where {@code config.yaml} goes, or null when the run had no output folder. */
        Path outputFolder();
    }

    /** The {@code --config} option, mixed into the commands that read config files. */
    static final class Option {
        @CommandLine.Option(names = "--config", paramLabel = "FILE",
                description = "YAML file of options (keys as the long options without dashes, e.g. batch-size: 4); "
                        + "options on the command line win. Each run writes its own as config.yaml.")
        Path config;
    }

    /**
     * Installs the defaults of {@code --config FILE} on the subcommand {@code args} name, if it has the option
     * and they pass one.
     */
    static void install(CommandLine root, String[] args) {
        CommandLine target = root;
        Path file = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (target == root && target.getSubcommands().containsKey(a)) {
                target = target.getSubcommands().get(a);
            } else if (a.equals("--config") && i + 1 < args.length) {
                file = Path.of(args[i + 1]);
            } else if (a.startsWith("--config=")) {
                file = Path.of(a.substring("--config=".length()));
            }
        }
        if (file != null && target != root && target.getCommandSpec().findOption("--config") != null) {
            target.setDefaultValueProvider(new Defaults(read(file, target.getCommandSpec()), target));
        }
    }

    /** The option values of {@code file}, by option, checked against {@code spec}'s options. */
    static Map<OptionSpec, String> read(Path file, CommandSpec spec) {
        JsonNode root;
        try {
            root = YAML.readTree(file.toFile());
        } catch (IOException e) {
            if (!Files.exists(file)) {
                throw AdclipException.usage("config file " + file + " does not exist", e);
            }
            throw AdclipException.usage("config file " + file + " is not valid YAML: " + firstLine(e.getMessage()), e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return Map.of();
        }
        if (!(root instanceof ObjectNode object)) {
            throw AdclipException.usage("config file " + file + " must be a map of option: value lines", null);
        }
        Map<String, OptionSpec> byKey = keys(spec);
        Map<OptionSpec, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            OptionSpec option = byKey.get(e.getKey());
            if (option == null) {
                throw AdclipException.usage("config file " + file + ": unknown key '" + e.getKey() + "' for adclip "
                        + spec.name() + "; keys are " + String.join(", ", new TreeSet<>(primaryKeys(spec))), null);
            }
            out.put(option, text(e.getValue(), option));
        }
        return out;
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }

    private static String text(JsonNode value, OptionSpec option) {
        if (value.isObject()) { // a map option (KEY=VALUE), e.g. worker's kafka-property
            List<String> entries = new ArrayList<>();
            value.fields().forEachRemaining(e -> entries.add(e.getKey() + "=" + e.getValue().asText()));
            if (entries.size() > 1 && option.splitRegex().isEmpty()) {
                throw AdclipException.usage("config file: '" + key(option) + "' takes one KEY: VALUE entry here; "
                        + "give the others as " + option.longestName() + " KEY=VALUE on the command line", null);
            }
            return String.join(option.splitRegex().isEmpty() ? "," : option.splitRegex().replace("\\", ""), entries);
        }
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(v -> items.add(v.asText()));
            String split = option.splitRegex().isEmpty() ? "," : option.splitRegex().replace("\\", "");
            return String.join(split, items);
        }
        return value.isNull() ? null : value.asText();
    }

    private static Map<String, OptionSpec> keys(CommandSpec spec) {
        Map<String, OptionSpec> out = new LinkedHashMap<>();
        for (OptionSpec o : spec.options()) {
            for (String name : o.names()) {
                if (name.startsWith("--") && !NOT_CONFIG.contains(name.substring(2))) {
                    out.put(name.substring(2), o);
                }
            }
        }
        return out;
    }

    private static Collection<String> primaryKeys(CommandSpec spec) {
        List<String> out = new ArrayList<>();
        for (OptionSpec o : spec.options()) {
            String key = key(o);
            if (key != null) {
                out.add(key);
            }
        }
        return out;
    }

    /** The key an option is written under: its first long name without the dashes, or null if not a setting. */
    private static String key(OptionSpec o) {
        for (String name : o.names()) {
            if (name.startsWith("--")) {
                return NOT_CONFIG.contains(name.substring(2)) ? null : name.substring(2);
            }
        }
        return null;
    }

    /** Option defaults from a config file; other options keep their annotated defaults. */
    private record Defaults(Map<OptionSpec, String> values, CommandLine command)
            implements CommandLine.IDefaultValueProvider {
        @Override
        public String defaultValue(ArgSpec argSpec) {
            if (argSpec instanceof OptionSpec o) {
                for (Map.Entry<OptionSpec, String> e : values.entrySet()) {
                    if (e.getKey().longestName().equals(o.longestName())) {
                        return e.getValue();
                    }
                }
            }
            return argSpec.defaultValue(); // null: no annotated default either
        }
    }

    /**
     * Writes the options {@code spec} ran with to {@code dir/config.yaml}: every option with a value, paths made
     * absolute so the file works from any folder, positional inputs as a comment.
     */
    static void write(CommandSpec spec, Path dir) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (OptionSpec o : spec.options()) {
            String key = key(o);
            Object value = o.getValue();
            if (key == null || value == null || (value instanceof Boolean b && !b && o.arity().max() == 0)) {
                continue;
            }
            values.put(key, plain(value));
        }
        StringBuilder text = new StringBuilder("# adclip " + spec.name() + ": the options this run used. Repeat it "
                + "with: adclip " + spec.name() + " --config " + WRITTEN + "\n# software: "
                + com.adclip.Version.software() + "\n");
        for (var p : spec.positionalParameters()) {
            if (p.getValue() != null) {
                text.append("# ").append(p.paramLabel()).append(": ").append(plain(p.getValue())).append('\n');
            }
        }
        try {
            text.append(YAML.writeValueAsString(values));
            AtomicFiles.writeString(dir.resolve(WRITTEN), text.toString());
        } catch (IOException e) {
            throw new AdclipException("cannot write " + dir.resolve(WRITTEN) + ": " + e.getMessage(), e);
        }
    }

    private static Object plain(Object value) {
        if (value instanceof Path p) {
            String s = p.toString();
            return s.startsWith(ModelOptions.RANDOM_PREFIX) ? s : p.toAbsolutePath().normalize().toString();
        }
        if (value instanceof Collection<?> c) {
            return c.stream().map(ConfigFile::plain).toList();
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value;
        }
        return value.toString();
    }
}
