package com.adclip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.adclip.data.InputFiles;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Inputs that failed before the model (a folder that could not be listed) keep their place among the outcomes. */
class InspectionPipelineTest {
    @Test
    void failedInputsAreOutcomesInInputOrder() {
        InputFiles.Input a = new InputFiles.Input(Path.of("a.png"), "a.png", "a", null);
        InputFiles.Input locked = new InputFiles.Input(Path.of("locked"), "locked", "locked", "cannot list folder");
        InputFiles.Input b = new InputFiles.Input(Path.of("b.png"), "b.png", "b", null);
        Outcome ofA = new Outcome(Path.of("a.png"), null, "model said a");
        Outcome ofB = new Outcome(Path.of("b.png"), null, "model said b");

        List<Outcome> merged = InspectionPipeline.merged(List.of(a, locked, b), List.of(ofA, ofB));

        assertEquals(3, merged.size());
        assertSame(ofA, merged.get(0));
        assertEquals(new Outcome(Path.of("locked"), null, "cannot list folder"), merged.get(1));
        assertSame(ofB, merged.get(2));
    }
}
