package com.adclip.clip;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.text.Normalizer;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.text.translate.EntityArrays;

/**
 * The text cleaning of CLIP's {@code simple_tokenizer.py}:
 * {@code whitespace_clean(basic_clean(text)).lower()}, where {@code basic_clean} is
 * {@code html.unescape(html.unescape(ftfy.fix_text(text))).strip()}.
 *
 * <p>See {@link ClipTokenizer} for which parts of ftfy are reproduced and which are not. Python's
 * {@code str.strip()}, {@code \s} of the {@code regex} module, {@code html.unescape} and {@code str.lower()}
 * are reproduced with their Python semantics, not Java's defaults.
 */
final class ClipTextCleaner {
    /** {@code regex}'s {@code \s} on str is the Unicode White_Space property, as Java's with this flag. */
    private static final Pattern WHITESPACE = Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);
    /** Python's {@code html._charref}. */
    private static final Pattern PY_CHARREF =
            Pattern.compile("&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\\t\\n\\f <&#;]{1,32};?)");
    /** ftfy's {@code HTML_ENTITY_RE}. */
    private static final Pattern FTFY_ENTITY = Pattern.compile("&#?[0-9A-Za-z]{1,24};");
    /** ftfy's {@code ANSI_RE}. */
    private static final Pattern ANSI_ESCAPE = Pattern.compile("\u001b\\[((?:\\d|;)*)([a-zA-Z])");
    private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");
    /** HTML5 names that Python also decodes in upper case and without the semicolon. */
    private static final List<String> UPPER_CASE_LEGACY = List.of("AMP", "COPY", "GT", "LT", "QUOT", "REG");

    /** Named references as Python's {@code html.entities.html5} keys ({@code "amp;"}, legacy {@code "amp"}). */
    private static final Map<String, String> PY_NAMED = pythonNamedEntities();
    /** ftfy's {@code HTML_ENTITIES}: {@code "&name;"} plus all-caps variants of lower-case names. */
    private static final Map<String, String> FTFY_NAMED = ftfyNamedEntities();

    private ClipTextCleaner() {}

    /** The full cleaning the reference applies before splitting a text into words. */
    static String clean(String text) {
        String basic = pyStrip(pyHtmlUnescape(pyHtmlUnescape(ftfyLite(text))));
        String collapsed = pyStrip(WHITESPACE.matcher(basic).replaceAll(" "));
        return pyLower(collapsed);
    }

    // ---------------------------------------------------------------- Python's str.lower()

    /**
     * Python's {@code str.lower()}. Java's root-locale lower-casing applies the same unconditional
     * SpecialCasing mappings, but decides Final_Sigma by word boundaries ({@code "ΑΣ3M"} keeps σ in Java,
     * ς in Python); Python follows the Unicode definition, reproduced here for U+03A3.
     */
    static String pyLower(String text) {
        if (text.indexOf('\u03a3') < 0) {
            return text.toLowerCase(Locale.ROOT);
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            if (cp == 0x03a3) {
                out.append(isFinalSigma(text, i) ? '\u03c2' : '\u03c3');
            } else {
                out.append(new String(Character.toChars(cp)).toLowerCase(Locale.ROOT));
            }
            i += Character.charCount(cp);
        }
        return out.toString();
    }

    /** {@code \p{cased} \p{case-ignorable}* Σ !(\p{case-ignorable}* \p{cased})}, as CPython checks it. */
    private static boolean isFinalSigma(String text, int index) {
        int j = index;
        int before = -1;
        while (j > 0) {
            int cp = text.codePointBefore(j);
            j -= Character.charCount(cp);
            if (!isCaseIgnorable(cp)) {
                before = cp;
                break;
            }
        }
        if (before < 0 || !isCased(before)) {
            return false;
        }
        j = index + 1;
        while (j < text.length()) {
            int cp = text.codePointAt(j);
            if (!isCaseIgnorable(cp)) {
                return !isCased(cp);
            }
            j += Character.charCount(cp);
        }
        return true;
    }

    /** Unicode's Cased property. */
    private static boolean isCased(int cp) {
        return Character.isLowerCase(cp) || Character.isUpperCase(cp) || Character.isTitleCase(cp);
    }

    /** Unicode's Case_Ignorable property: Mn, Me, Cf, Lm, Sk and Word_Break MidLetter/MidNumLet/Single_Quote. */
    private static boolean isCaseIgnorable(int cp) {
        switch (Character.getType(cp)) {
            case Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.FORMAT,
                    Character.MODIFIER_LETTER, Character.MODIFIER_SYMBOL:
                return true;
            default:
                break;
        }
        switch (cp) {
            case '\'', '.', ':', 0xb7, 0x387, 0x55f, 0x5f4, 0x2018, 0x2019, 0x2024, 0x2027, 0xfe13, 0xfe52, 0xfe55,
                    0xff07, 0xff0e, 0xff1a:
                return true;
            default:
                return false;
        }
    }

    // ---------------------------------------------------------------- ftfy.fix_text, partly

    /** {@code ftfy.fix_text} with default options, without the mojibake repair ({@code fix_encoding}). */
    static String ftfyLite(String text) {
        StringBuilder out = new StringBuilder(text.length());
        boolean unescape = true; // ftfy's "auto": switched off for good at the first line holding a '<'
        int pos = 0;
        while (pos < text.length()) {
            int lineEnd = text.indexOf('\n', pos);
            int end = lineEnd < 0 ? text.length() : lineEnd + 1;
            String segment = text.substring(pos, end);
            if (unescape && segment.indexOf('<') >= 0) {
                unescape = false;
            }
            out.append(fixSegment(segment, unescape));
            pos = end;
        }
        return out.toString();
    }

    private static String fixSegment(String segment, boolean unescape) {
        String text = segment;
        while (true) {
            String before = text;
            if (unescape) {
                text = ftfyUnescapeHtml(text);
            }
            text = fixC1Controls(text);
            text = fixLatinLigatures(text);
            text = fixCharacterWidth(text);
            text = uncurlQuotes(text);
            text = fixLineBreaks(text);
            text = fixSurrogates(text);
            text = ANSI_ESCAPE.matcher(text).replaceAll("");
            text = removeControlChars(text);
            text = Normalizer.normalize(text, Normalizer.Form.NFC);
            if (text.equals(before)) {
                return text;
            }
        }
    }

    private static String ftfyUnescapeHtml(String text) {
        if (text.indexOf('&') < 0) {
            return text;
        }
        return FTFY_ENTITY.matcher(text).replaceAll(m -> Matcher.quoteReplacement(ftfyEntity(m.group())));
    }

    private static String ftfyEntity(String entity) {
        String named = FTFY_NAMED.get(entity);
        if (named != null) {
            return named;
        }
        if (entity.startsWith("&#")) {
            String decoded = pyHtmlUnescape(entity);
            return decoded.indexOf(';') >= 0 ? entity : decoded;
        }
        return entity;
    }

    private static String fixC1Controls(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x80 && c <= 0x9f) {
                if (out == null) {
                    out = new StringBuilder(text.length()).append(text, 0, i);
                }
                out.append(sloppyWindows1252(c));
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    /** Windows-1252 decoding of a byte, undefined bytes (0x81, 0x8D, ...) mapping to the same code point. */
    private static char sloppyWindows1252(int b) {
        char decoded = WINDOWS_1252.decode(ByteBuffer.wrap(new byte[] {(byte) b})).charAt(0);
        return decoded == '\uFFFD' ? (char) b : decoded;
    }

    private static String fixLatinLigatures(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out.append(switch (c) {
                case '\u0132' -> "IJ";
                case '\u0133' -> "ij";
                case '\u0149' -> "\u02bcn";
                case '\u01f1' -> "DZ";
                case '\u01f2' -> "Dz";
                case '\u01f3' -> "dz";
                case '\u01c4' -> "D\u017d";
                case '\u01c5' -> "D\u017e";
                case '\u01c6' -> "d\u017e";
                case '\u01c7' -> "LJ";
                case '\u01c8' -> "Lj";
                case '\u01c9' -> "lj";
                case '\u01ca' -> "NJ";
                case '\u01cb' -> "Nj";
                case '\u01cc' -> "nj";
                case '\ufb00' -> "ff";
                case '\ufb01' -> "fi";
                case '\ufb02' -> "fl";
                case '\ufb03' -> "ffi";
                case '\ufb04' -> "ffl";
                case '\ufb05' -> "\u017ft";
                case '\ufb06' -> "st";
                default -> String.valueOf(c);
            });
        }
        return out.toString();
    }

    /** U+3000 to a space, and the halfwidth/fullwidth forms U+FF01..U+FFEF to their NFKC form. */
    private static String fixCharacterWidth(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\u3000') {
                out.append(' ');
            } else if (c >= '\uff01' && c <= '\uffef') {
                out.append(Normalizer.normalize(String.valueOf(c), Normalizer.Form.NFKC));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String uncurlQuotes(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\u02bc' || (c >= '\u2018' && c <= '\u201b')) {
                out.append('\'');
            } else if (c >= '\u201c' && c <= '\u201f') {
                out.append('"');
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String fixLineBreaks(String text) {
        return text.replace("\r\n", "\n").replace('\r', '\n').replace('\u2028', '\n').replace('\u2029', '\n')
                .replace('\u0085', '\n');
    }

    /** Surrogate pairs are already single code points in Java; lone surrogates become U+FFFD. */
    private static String fixSurrogates(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(++i));
            } else {
                out.append(Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return out.toString();
    }

    private static String removeControlChars(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean control = c <= 0x08 || c == 0x0b || (c >= 0x0e && c <= 0x1f) || c == 0x7f
                    || (c >= 0x206a && c <= 0x206f) || c == 0xfeff || (c >= 0xfff9 && c <= 0xfffc);
            if (!control) {
                out.append(c);
            }
        }
        return out.toString();
    }

    // ---------------------------------------------------------------- Python's html.unescape

    /** Python's {@code html.unescape}, with commons-text's HTML 4 + {@code &apos;} table for names. */
    static String pyHtmlUnescape(String text) {
        if (text.indexOf('&') < 0) {
            return text;
        }
        return PY_CHARREF.matcher(text).replaceAll(m -> Matcher.quoteReplacement(pyCharref(m.group(1))));
    }

    private static String pyCharref(String s) {
        if (s.charAt(0) == '#') {
            boolean hex = s.charAt(1) == 'x' || s.charAt(1) == 'X';
            String digits = s.substring(hex ? 2 : 1);
            if (digits.endsWith(";")) {
                digits = digits.substring(0, digits.length() - 1);
            }
            return pyNumericCharref(new BigInteger(digits, hex ? 16 : 10));
        }
        String named = PY_NAMED.get(s);
        if (named != null) {
            return named;
        }
        for (int x = s.length() - 1; x > 1; x--) { // the longest name that is a prefix, as the standard says
            String prefix = PY_NAMED.get(s.substring(0, x));
            if (prefix != null) {
                return prefix + s.substring(x);
            }
        }
        return "&" + s;
    }

    private static String pyNumericCharref(BigInteger value) {
        if (value.bitLength() > 31 || value.intValue() > 0x10FFFF) {
            return "\uFFFD";
        }
        int num = value.intValue();
        if (num == 0) {
            return "\uFFFD";
        }
        if (num == 0x0d) {
            return "\r";
        }
        if (num >= 0x80 && num <= 0x9f) {
            return String.valueOf(sloppyWindows1252(num));
        }
        if (num >= 0xD800 && num <= 0xDFFF) {
            return "\uFFFD";
        }
        boolean invalid = (num >= 0x01 && num <= 0x08) || num == 0x0b || (num >= 0x0e && num <= 0x1f)
                || num == 0x7f || (num >= 0xfdd0 && num <= 0xfdef) || (num & 0xfffe) == 0xfffe;
        return invalid ? "" : new String(Character.toChars(num));
    }

    private static Map<String, String> pythonNamedEntities() {
        Map<String, String> map = new HashMap<>();
        for (Map<CharSequence, CharSequence> table : List.of(EntityArrays.BASIC_UNESCAPE,
                EntityArrays.ISO8859_1_UNESCAPE, EntityArrays.HTML40_EXTENDED_UNESCAPE, EntityArrays.APOS_UNESCAPE)) {
            table.forEach((k, v) -> map.put(k.toString().substring(1), v.toString()));
        }
        // HTML5 keeps the semicolon-less ("legacy") form for exactly the HTML 2/3.2 names: the basic four
        // and the ISO-8859-1 ones.
        for (Map<CharSequence, CharSequence> table : List.of(EntityArrays.BASIC_UNESCAPE,
                EntityArrays.ISO8859_1_UNESCAPE)) {
            table.forEach((k, v) -> map.put(k.toString().substring(1, k.length() - 1), v.toString()));
        }
        for (String upper : UPPER_CASE_LEGACY) {
            String value = map.get(upper.toLowerCase(Locale.ROOT) + ";");
            map.put(upper, value);
            map.put(upper + ";", value);
        }
        return Map.copyOf(map);
    }

    private static Map<String, String> ftfyNamedEntities() {
        Map<String, String> map = new HashMap<>();
        PY_NAMED.forEach((name, value) -> {
            if (name.endsWith(";")) {
                map.put("&" + name, value);
            }
        });
        PY_NAMED.forEach((name, value) -> {
            String upper = "&" + name.toUpperCase(Locale.ROOT);
            if (name.endsWith(";") && name.equals(name.toLowerCase(Locale.ROOT))
                    && pyHtmlUnescape(upper).equals(upper)) {
                map.put(upper, value.toUpperCase(Locale.ROOT));
            }
        });
        return Map.copyOf(map);
    }

    // ---------------------------------------------------------------- Python's str.strip()

    /** Python's {@code str.strip()}: removes characters for which {@code str.isspace()} is true. */
    static String pyStrip(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && pyIsSpace(text.charAt(start))) {
            start++;
        }
        while (end > start && pyIsSpace(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(start, end);
    }

    /** {@code str.isspace()}: bidirectional class WS, B or S, or general category Zs (all in the BMP). */
    static boolean pyIsSpace(char c) {
        byte dir = Character.getDirectionality(c);
        return dir == Character.DIRECTIONALITY_WHITESPACE || dir == Character.DIRECTIONALITY_PARAGRAPH_SEPARATOR
                || dir == Character.DIRECTIONALITY_SEGMENT_SEPARATOR || Character.getType(c) == Character.SPACE_SEPARATOR;
    }
}
