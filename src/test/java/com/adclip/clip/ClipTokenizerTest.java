package com.adclip.clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adclip.AdclipException;
import com.adclip.testing.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class ClipTokenizerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ClipTokenizer tokenizer = ClipTokenizer.shared();

    /** golden-v1 {@code expected.json → tokenizer}: every text, all 77 ids, exactly. */
    @Test
    void goldenV1TokenizerIdsMatchExactly() throws IOException {
        JsonNode tok = JSON.readTree(Fixtures.goldenV1().resolve("expected.json").toFile()).get("tokenizer");
        List<String> texts = new ArrayList<>();
        tok.get("texts").forEach(t -> texts.add(t.asText()));
        assertTrue(texts.size() > 0, "fixture holds no tokenizer texts");
        long[][] actual = tokenizer.tokenize(texts, 77, true);
        assertEquals(texts.size(), tok.get("ids").size());
        for (int i = 0; i < texts.size(); i++) {
            assertArrayEquals(longs(tok.get("ids").get(i)), actual[i], "ids of \"" + texts.get(i) + "\"");
        }
    }

    /**
     * Extra cases whose ids were computed by the reference itself (OpenAI's simple_tokenizer with ftfy 6.3.1
     * and regex; see the JSON's header): HTML entities, quotes, ligatures, widths, accents (NFD input), case
     * mapping, scripts, emoji, numbers, whitespace and control characters, special tokens, long texts.
     */
    @TestFactory
    Stream<DynamicTest> referenceComputedCasesMatchExactly() throws IOException {
        JsonNode cases = referenceCases().get("cases");
        return IntStream.range(0, cases.size()).mapToObj(i -> {
            JsonNode c = cases.get(i);
            String text = c.get("text").asText();
            return DynamicTest.dynamicTest("case " + i + ": " + text.substring(0, Math.min(40, text.length())), () -> {
                assertArrayEquals(ints(c.get("encode")), tokenizer.encode(text), "encode");
                assertArrayEquals(longs(c.get("tokenize77")), tokenizer.tokenize(List.of(text), 77, true)[0],
                        "tokenize");
            });
        });
    }

    @Test
    void tooLongTextWithoutTruncationNamesTextCountAndContext() {
        String text = String.join(" ", Collections.nCopies(100, "screw"));
        AdclipException e = assertThrows(AdclipException.class,
                () -> tokenizer.tokenize(List.of("fine", text), 77, false));
        String message = e.getMessage();
        assertTrue(message.contains("screw screw screw"), message);
        assertTrue(message.contains("..."), "long text must be shortened: " + message);
        assertTrue(message.length() < 250, message);
        assertTrue(message.contains("102"), "token count (100 + SOT + EOT): " + message);
        assertTrue(message.contains("77"), message);
    }

    @Test
    void truncationKeepsContextLengthWithEotLast() {
        String text = String.join(" ", Collections.nCopies(100, "screw"));
        long[] row = tokenizer.tokenize(List.of(text), 77, true)[0];
        int[] ids = tokenizer.encode(text);
        assertEquals(100, ids.length);
        assertEquals(77, row.length);
        assertEquals(ClipTokenizer.SOT, row[0]);
        for (int i = 1; i < 76; i++) {
            assertEquals(ids[i - 1], row[i]);
        }
        assertEquals(ClipTokenizer.EOT, row[76]);
    }

    @Test
    void exactFitNeedsNoTruncation() {
        String text = String.join(" ", Collections.nCopies(75, "a"));
        long[] row = tokenizer.tokenize(List.of(text))[0];
        assertEquals(ClipTokenizer.EOT, row[76]);
        assertEquals(320, row[75]);
        String tooLong = text + " a";
        assertThrows(AdclipException.class, () -> tokenizer.tokenize(List.of(tooLong)));
    }

    @Test
    void decodeRoundTripsPlainAsciiText() {
        String text = "a photo of a damaged metal nut with a scratch on the surface";
        assertEquals(text + " ", tokenizer.decode(tokenizer.encode(text)));
        assertEquals("transistor ", tokenizer.decode(tokenizer.encode("  Transistor ")));
    }

    @Test
    void htmlEntitiesAreUnescapedTwiceLikeTheReference() {
        assertArrayEquals(tokenizer.encode("fish & chips"), tokenizer.encode("fish &amp;amp; chips"));
        assertArrayEquals(tokenizer.encode("fish & chips"), tokenizer.encode("fish &amp; chips"));
        assertArrayEquals(tokenizer.encode("caf\u00e9"), tokenizer.encode("caf&eacute;"));
        // with a '<' on the line, ftfy leaves entities alone and only the two html.unescape passes run
        assertEquals("< & amp ; ", tokenizer.decode(tokenizer.encode("< &amp;amp;amp;")));
    }

    @Test
    void specialTokensAndVocabularyEnds() {
        assertArrayEquals(new int[] {ClipTokenizer.SOT, ClipTokenizer.EOT},
                tokenizer.encode("<|startoftext|><|endoftext|>"));
        assertEquals("<|startoftext|>", tokenizer.decode(new int[] {ClipTokenizer.SOT}));
        assertEquals("!", tokenizer.decode(new int[] {0}));
        assertThrows(IllegalArgumentException.class, () -> tokenizer.decode(new int[] {49408}));
        assertSame(tokenizer, ClipTokenizer.shared());
    }

    @Test
    void emptyTextGivesSotEot() {
        assertEquals(0, tokenizer.encode("  \n ").length);
        long[][] rows = tokenizer.tokenize(List.of(""), 5, false);
        assertArrayEquals(new long[] {ClipTokenizer.SOT, ClipTokenizer.EOT, 0, 0, 0}, rows[0]);
    }

    private static JsonNode referenceCases() throws IOException {
        try (InputStream in = ClipTokenizerTest.class.getResourceAsStream("reference-tokenizer-cases.json")) {
            if (in == null) {
                throw new IllegalStateException("test resource reference-tokenizer-cases.json is missing");
            }
            return JSON.readTree(in);
        }
    }

    private static long[] longs(JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asLong();
        }
        return out;
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}
