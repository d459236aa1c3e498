package com.adclip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adclip.cli.TinyStationModel;
import com.adclip.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example in docs/java-api.md compiles against the library and runs on the golden tiny CLIP. */
class JavaApiDocTest {
    @TempDir Path dir;

    @Test
    void theDocumentedExampleRuns() throws Exception {
        String doc = Files.readString(Path.of("docs/java-api.md"));
        Matcher block = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        assertTrue(block.find(), "docs/java-api.md has a java code block");
        String source = block.group(1);
        Matcher name = Pattern.compile("public class (\\w+)").matcher(source);
        assertTrue(name.find(), "the example is a public class");
        Path file = dir.resolve("src/" + name.group(1) + ".java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, source);
        Path classes = Files.createDirectories(dir.resolve("classes"));

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "a JDK compiler");
        String classpath = System.getProperty("java.class.path") + File.pathSeparator + Path.of("target/classes")
                .toAbsolutePath();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int status = javac.run(null, null, errors, "-classpath", classpath, "-d", classes.toString(),
                file.toString());
        assertEquals(0, status, errors.toString(StandardCharsets.UTF_8));

        Path bundle = TinyStationModel.importBundle(dir);
        Path image = TinyStationModel.image(1);
        Path weights = Fixtures.goldenV1().resolve("tiny-clip.pt");
        String out = run(classes, name.group(1), bundle, image, weights);

        double score;
        try (Detector detector = Detector.builder().bundle(bundle).weights(weights).build()) {
            score = detector.inspect(image).score();
        }
        List<String> lines = out.lines().toList();
        assertTrue(lines.get(0).startsWith(String.format(java.util.Locale.ROOT, "score %.6f verdict ", score)), out);
        assertTrue(out.contains("verdict at its own score: NG"), out);
    }

    private static String run(Path classes, String main, Path... args) throws Exception {
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                JavaApiDocTest.class.getClassLoader())) {
            Method entry = loader.loadClass(main).getMethod("main", String[].class);
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            entry.invoke(null, (Object) java.util.Arrays.stream(args).map(Path::toString).toArray(String[]::new));
        } finally {
            System.setOut(stdout);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
