package dev.sealer;

import java.util.function.Predicate;

/**
 * Small rules shared by every layer, each written once: how untrusted text is shown in a message, how
 * many bytes a text takes (in UTF-8, in JSON), whether bytes are UTF-8 text, and how the real failure is found under the wrappers
 * frameworks put around it.
 */
public final class Texts {

    private Texts() {}

    /**
     * Untrusted text made safe to show in a message or a log line: printable ASCII only (anything else
     * becomes {@code ?}), cut to {@code max} characters. Never use it for a secret: secrets are not shown.
     */
    public static String printable(String value, int max) {
        if (value == null) {
            return "(missing)";
        }
        String clean = value.replaceAll("[^\\x20-\\x7e]", "?");
        return clean.length() > max ? clean.substring(0, max) + "..." : clean;
    }

    /** The UTF-8 text of {@code bytes}, or null when they are not valid UTF-8 (nothing is replaced). */
    public static String utf8OrNull(byte[] bytes) {
        try {
            return java.nio.charset.StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(bytes))
                    .toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }

    /**
     * The number of bytes {@code value} takes in UTF-8, counted without encoding it: what a limit in
     * bytes must count (a character takes 1 to 3 bytes, a surrogate pair 4; an unpaired surrogate is
     * encoded as one replacement byte, as {@link String#getBytes} does).
     */
    public static long utf8Length(CharSequence value) {
        long bytes = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)
                    && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                bytes += 1;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /**
     * The characters {@code value} takes as a JSON string, quotes included, as Jackson writes it: a
     * quote or backslash and the short escapes ({@code \n}, {@code \t}, ...) take two, other control
     * characters six ({@code \u0001}), everything else one. What a text in an answer will hold.
     */
    public static long jsonStringChars(String value) {
        long chars = 2;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\' || c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t') {
                chars += 2;
            } else if (c < 0x20) {
                chars += 6;
            } else {
                chars += 1;
            }
        }
        return chars;
    }

    /**
     * The failure under a chain of wrappers: follows causes while {@code isWrapper} says the current
     * throwable only wraps (at most 10 levels, so a cycle cannot loop).
     */
    public static Throwable unwrap(Throwable failure, Predicate<Throwable> isWrapper) {
        Throwable current = failure;
        for (int depth = 0;
                depth < 10 && current != null && current.getCause() != null && isWrapper.test(current);
                depth++) {
            current = current.getCause();
        }
        return current;
    }
}
