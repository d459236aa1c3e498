package com.adclip.clip;

import com.adclip.AdclipException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * CLIP's byte-level BPE tokenizer, giving the same ids as OpenAI's {@code clip/simple_tokenizer.py} and
 * {@code clip.tokenize} (which AnomalyCLIP uses unchanged).
 *
 * <p>The vocabulary is the shipped resource {@code bpe_simple_vocab_16e6.txt.gz}: the 256 byte symbols, the
 * same with {@code </w>}, the first 48,894 merges, then {@link #SOT} and {@link #EOT} (49,408 ids). Load it
 * once through {@link #shared()}; instances are immutable apart from a thread-safe BPE cache.
 *
 * <p><b>Text cleaning.</b> The reference computes
 * {@code whitespace_clean(html.unescape(html.unescape(ftfy.fix_text(text))).strip()).lower()}. Python's
 * {@code html.unescape} is reproduced with its algorithm (numeric references including the Windows-1252
 * remapping of 0x80..0x9F and the dropped invalid code points; the longest-prefix rule for names without a
 * semicolon), but with Apache commons-text's HTML 4 table plus {@code &apos;} for the names: HTML5-only names
 * ({@code &check;}, {@code &NewLine;}, ...) are left as written where Python decodes them. Of
 * {@code ftfy.fix_text} (6.x, default options) these steps are reproduced, repeated until the text no longer
 * changes, as ftfy does: HTML unescaping of {@code &...;} references when the line (and every earlier line)
 * holds no {@code <}, C1 controls read as Windows-1252, Latin ligatures ({@code ﬁ} to {@code fi}),
 * fullwidth/halfwidth forms and U+3000, curly quotes to straight ones, line breaks, lone surrogates to U+FFFD,
 * ANSI terminal escapes, the control characters ftfy removes, and NFC normalisation. <em>Not</em> reproduced:
 * ftfy's mojibake repair ({@code fix_encoding}: re-decoding text that was UTF-8 read as Latin-1/Windows-1252
 * and similar, {@code restore_byte_a0}, {@code replace_lossy_sequences}, {@code decode_inconsistent_utf8}).
 * Text such as {@code "cafÃ©"} therefore tokenises as written here, where the reference would first turn it
 * into {@code "café"}; ordinary text, including correct accented and non-Latin text, is unaffected.
 *
 * <p><b>Unicode semantics.</b> Words are split with the reference's pattern using Java's
 * {@code \p{L}}/{@code \p{N}} (Unicode general categories, code-point based as in Python's {@code regex}) and
 * {@code \s} with {@link Pattern#UNICODE_CHARACTER_CLASS} (the White_Space property, as {@code regex} on
 * str); Python's {@code str.strip()} is reproduced with its own definition of space (bidirectional class
 * WS/B/S or category Zs, which includes U+001C..U+001F unlike White_Space); {@code str.lower()} is
 * {@code toLowerCase(Locale.ROOT)} (the same SpecialCasing mappings, e.g. U+0130 to "i̇") except for capital
 * sigma, whose Final_Sigma context Java decides by word boundaries and Python by the Unicode definition (the
 * latter is reproduced). Python's {@code regex} with IGNORECASE matches U+0345 with no alternative of the
 * pattern (it is dropped), where Java's negated class would take it; the pattern excludes it explicitly.
 * Checked over every code point against Python 3.11 / {@code regex} 2026.9: lower-casing, {@code \p{L}},
 * {@code \p{N}}, {@code \s}, {@code isspace} and the pattern's classes agree for every character Java 17
 * assigns. The remaining difference is the Unicode version: Java 17 knows Unicode 13, so characters assigned
 * later are unassigned here (neither letter nor number) and U+1734 is still a non-spacing mark.
 */
public final class ClipTokenizer {
    /** {@code <|startoftext|>}. */
    public static final int SOT = 49406;
    /** {@code <|endoftext|>}; also the position the text encoder reads (the largest id of a row). */
    public static final int EOT = 49407;
    /** The context length of every released CLIP model. */
    public static final int DEFAULT_CONTEXT_LENGTH = 77;

    static final String VOCAB_RESOURCE = "bpe_simple_vocab_16e6.txt.gz";
    private static final int MERGES = 49152 - 256 - 2;
    private static final int VOCAB_SIZE = 512 + MERGES + 2;
    private static final String START_TEXT = "<|startoftext|>";
    private static final String END_TEXT = "<|endoftext|>";
    private static final int CACHE_LIMIT = 100_000;
    /**
     * The reference's pattern. U+0345 (combining ypogegrammeni, whose case variants are the letter iota) is
     * matched by none of its alternatives in Python's {@code regex} with IGNORECASE, so it is dropped there;
     * Java's case-insensitive negated class would match it, hence its explicit exclusion.
     */
    private static final Pattern WORDS = Pattern.compile(
            "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}\\u0345]+",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.UNICODE_CHARACTER_CLASS);

    private final char[] byteToChar = new char[256];
    private final int[] charToByte = new int[512];
    private final Map<String, Integer> encoder;
    private final String[] decoder;
    private final Map<String, Integer> bpeRanks;
    private final Map<String, String[]> cache = new ConcurrentHashMap<>();

    private ClipTokenizer(List<String> merges) {
        char[] byteSymbols = bytesToUnicode(byteToChar, charToByte);
        decoder = new String[VOCAB_SIZE];
        int id = 0;
        for (char c : byteSymbols) {
            decoder[id++] = String.valueOf(c);
        }
        for (char c : byteSymbols) {
            decoder[id++] = c + "</w>";
        }
        bpeRanks = new HashMap<>(MERGES * 2);
        for (int rank = 0; rank < merges.size(); rank++) {
            String[] pair = merges.get(rank).split(" ");
            if (pair.length != 2) {
                throw new IllegalStateException("bad merge line in " + VOCAB_RESOURCE + ": '" + merges.get(rank)
                        + "'");
            }
            bpeRanks.put(pair[0] + " " + pair[1], rank);
            decoder[id++] = pair[0] + pair[1];
        }
        decoder[id++] = START_TEXT;
        decoder[id] = END_TEXT;
        encoder = new HashMap<>(VOCAB_SIZE * 2);
        for (int i = 0; i < decoder.length; i++) {
            encoder.put(decoder[i], i); // later ids win on duplicates, as Python's dict(zip(vocab, ...))
        }
        cache.put(START_TEXT, new String[] {START_TEXT});
        cache.put(END_TEXT, new String[] {END_TEXT});
    }

    /** The tokenizer over the shipped vocabulary, loaded on first use and shared afterwards. */
    public static ClipTokenizer shared() {
        return Holder.INSTANCE;
    }

    private static final class Holder {
        static final ClipTokenizer INSTANCE = new ClipTokenizer(readMerges());
    }

    private static List<String> readMerges() {
        try (InputStream raw = ClipTokenizer.class.getResourceAsStream(VOCAB_RESOURCE)) {
            if (raw == null) {
                throw new IllegalStateException("resource " + VOCAB_RESOURCE + " is missing from the classpath");
            }
            BufferedReader reader = new BufferedReader(
                    new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.UTF_8));
            reader.readLine(); // the version header
            List<String> merges = new ArrayList<>(MERGES);
            String line;
            while (merges.size() < MERGES && (line = reader.readLine()) != null) {
                merges.add(line);
            }
            if (merges.size() != MERGES) {
                throw new IllegalStateException(VOCAB_RESOURCE + " holds " + merges.size() + " merges, expected "
                        + MERGES);
            }
            return merges;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + VOCAB_RESOURCE, e);
        }
    }

    /**
     * GPT-2's reversible byte-to-printable-character table: printable Latin-1 bytes map to themselves, the
     * others to U+0100 onwards. Fills {@code byteToChar} (by byte value) and {@code charToByte}; returns the
     * characters in the reference's dictionary order (printable bytes first), which is the vocabulary order.
     */
    private static char[] bytesToUnicode(char[] byteToChar, int[] charToByte) {
        char[] order = new char[256];
        int position = 0;
        for (int b = 0; b < 256; b++) {
            if (isPrintable(b)) {
                order[position++] = (char) b;
                byteToChar[b] = (char) b;
            }
        }
        int n = 0;
        for (int b = 0; b < 256; b++) {
            if (!isPrintable(b)) {
                byteToChar[b] = (char) (256 + n++);
                order[position++] = byteToChar[b];
            }
        }
        Arrays.fill(charToByte, -1);
        for (int b = 0; b < 256; b++) {
            charToByte[byteToChar[b]] = b;
        }
        return order;
    }

    private static boolean isPrintable(int b) {
        return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    }

    /** The BPE ids of {@code text} after the reference's cleaning, without {@link #SOT}/{@link #EOT}. */
    public int[] encode(String text) {
        String cleaned = ClipTextCleaner.clean(text);
        List<Integer> ids = new ArrayList<>();
        Matcher words = WORDS.matcher(cleaned);
        while (words.find()) {
            for (String symbol : bpe(byteEncode(words.group()))) {
                Integer id = encoder.get(symbol);
                if (id == null) {
                    throw new IllegalStateException("BPE produced '" + symbol + "', which is not in the vocabulary");
                }
                ids.add(id);
            }
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The reference's {@code decode}: byte symbols to UTF-8 text, each {@code </w>} becoming a space. */
    public String decode(int[] ids) {
        StringBuilder symbols = new StringBuilder();
        for (int id : ids) {
            if (id < 0 || id >= decoder.length) {
                throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, "
                        + decoder.length + ")");
            }
            symbols.append(decoder[id]);
        }
        byte[] bytes = new byte[symbols.length()];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) charToByte[symbols.charAt(i)];
        }
        return new String(bytes, StandardCharsets.UTF_8).replace("</w>", " ");
    }

    /**
     * {@code clip.tokenize}: one row per text, {@code [SOT] ids [EOT]} then zeros up to {@code contextLength}.
     *
     * @param truncate when a text needs more than {@code contextLength} tokens: cut it to
     *     {@code contextLength} with {@link #EOT} as the last token if true, otherwise throw
     * @throws AdclipException when a text is too long and {@code truncate} is false
     */
    public long[][] tokenize(List<String> texts, int contextLength, boolean truncate) {
        if (contextLength < 2) {
            throw new IllegalArgumentException("context length must be at least 2, got " + contextLength);
        }
        long[][] rows = new long[texts.size()][contextLength];
        for (int r = 0; r < texts.size(); r++) {
            String text = texts.get(r);
            int[] ids = encode(text);
            int length = ids.length + 2;
            if (length > contextLength && !truncate) {
                throw new AdclipException("the text \"" + shorten(text) + "\" is " + length
                        + " tokens long (with start and end markers), more than the context length "
                        + contextLength + "; shorten the text");
            }
            long[] row = rows[r];
            row[0] = SOT;
            int copied = Math.min(ids.length, contextLength - 2);
            for (int i = 0; i < copied; i++) {
                row[i + 1] = ids[i];
            }
            row[copied + 1] = EOT;
        }
        return rows;
    }

    /** {@link #tokenize(List, int, boolean)} with context 77, throwing on a text that is too long. */
    public long[][] tokenize(List<String> texts) {
        return tokenize(texts, DEFAULT_CONTEXT_LENGTH, false);
    }

    private static String shorten(String text) {
        String oneLine = text.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= 60 ? oneLine : oneLine.substring(0, 57) + "...";
    }

    private String byteEncode(String word) {
        byte[] utf8 = word.getBytes(StandardCharsets.UTF_8);
        char[] chars = new char[utf8.length];
        for (int i = 0; i < utf8.length; i++) {
            chars[i] = byteToChar[utf8[i] & 0xFF];
        }
        return new String(chars);
    }

    /** The reference's {@code bpe}: apply the lowest-ranked merge everywhere until none applies. */
    private String[] bpe(String token) {
        String[] cached = cache.get(token);
        if (cached != null) {
            return cached;
        }
        List<String> word = new ArrayList<>(token.length());
        for (int i = 0; i < token.length() - 1; i++) {
            word.add(String.valueOf(token.charAt(i)));
        }
        word.add(token.charAt(token.length() - 1) + "</w>");
        while (word.size() > 1) {
            int best = lowestRankedPair(word);
            if (best < 0) {
                break;
            }
            word = mergeAll(word, word.get(best), word.get(best + 1));
        }
        String[] result = word.toArray(String[]::new);
        if (cache.size() < CACHE_LIMIT) {
            cache.put(token, result);
        }
        return result;
    }

    private int lowestRankedPair(List<String> word) {
        int best = -1;
        int bestRank = Integer.MAX_VALUE;
        for (int i = 0; i < word.size() - 1; i++) {
            Integer rank = bpeRanks.get(word.get(i) + " " + word.get(i + 1));
            if (rank != null && rank < bestRank) {
                bestRank = rank;
                best = i;
            }
        }
        return best;
    }

    private static List<String> mergeAll(List<String> word, String first, String second) {
        List<String> merged = new ArrayList<>(word.size());
        int i = 0;
        while (i < word.size()) {
            if (i < word.size() - 1 && word.get(i).equals(first) && word.get(i + 1).equals(second)) {
                merged.add(first + second);
                i += 2;
            } else {
                merged.add(word.get(i));
                i++;
            }
        }
        return merged;
    }
}
