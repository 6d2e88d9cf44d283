package dev.sealer;

import java.util.function.Predicate;

/**
 * Small rules shared by every layer, each written once: how untrusted text is shown in a message, and
 * how the real failure is found under the wrappers frameworks put around it.
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
