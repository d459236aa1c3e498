package com.adclip.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No DJL scalar overload ({@code x.mul(2)}, {@code x.div(temperature)}, ...) in the code that builds the training
 * graph: the packages of the CLIP towers, the anomaly head and prompt learner, and the trainer. Their constants
 * must come from {@link com.adclip.clip.Constants} (issue 10: backward read freed memory after a GC).
 */
class ScalarOverloadLintTest {
    private static final List<String> TRAINED_PACKAGES = List.of("com/adclip/clip", "com/adclip/anomaly",
            "com/adclip/train");
    /** Runs after backward with autograd off (the collector has closed): its scalars are used at once. */
    private static final Set<String> OUTSIDE_THE_GRAPH = Set.of("com/adclip/train/AdamOptimizer.class");

    @Test
    void theTrainedPathUsesNoScalarOverload() throws Exception {
        Path classes = Path.of(Losses.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> offences = new ArrayList<>();
        int scanned = 0;
        for (String pkg : TRAINED_PACKAGES) {
            try (Stream<Path> files = Files.list(classes.resolve(pkg))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
                    String name = classes.relativize(file).toString().replace('\\', '/');
                    scanned++;
                    if (!OUTSIDE_THE_GRAPH.contains(name)) {
                        ScalarOverloads.calledIn(Files.readAllBytes(file)).forEach(m -> offences.add(name + ": " + m));
                    }
                }
            }
        }
        assertTrue(scanned > 30, "scanned the compiled classes (" + scanned + ")");
        assertEquals(List.of(), offences, "use com.adclip.clip.Constants for constants in a graph");
    }

    @Test
    void theLintFlagsTheOldPattern() throws IOException {
        List<String> found = ScalarOverloads.calledIn(classFile(OldPattern.class));
        assertEquals(List.of("ai/djl/ndarray/NDArray.mul(Ljava/lang/Number;)Lai/djl/ndarray/NDArray;",
                "ai/djl/ndarray/NDArray.div(Ljava/lang/Number;)Lai/djl/ndarray/NDArray;"), found);
    }

    @Test
    void theLintLetsTensorArgumentsAndNativeScalarsPass() throws IOException {
        assertEquals(List.of(), ScalarOverloads.calledIn(classFile(NewPattern.class)));
    }

    private static byte[] classFile(Class<?> klass) throws IOException {
        String simple = klass.getName().substring(klass.getName().lastIndexOf('.') + 1);
        try (InputStream in = klass.getResourceAsStream(simple + ".class")) {
            return in.readAllBytes();
        }
    }

    /** What Losses and AnomalyHead did before issue 10. */
    static final class OldPattern {
        static NDArray logits(NDArray cosine, float temperature) {
            return cosine.mul(2).div(temperature);
        }
    }

    /** Tensor constants, and clip (its bounds go to libtorch as C++ scalars). */
    static final class NewPattern {
        static NDArray logits(NDArray cosine, NDArray two, NDArray temperature) {
            return cosine.mul(two).div(temperature).clip(0, 1);
        }
    }
}
