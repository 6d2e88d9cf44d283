package dev.sealer.functions;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The service's functions, by the names every entry point and the configuration use for them. */
public enum Operation {
    SEAL,
    UNSEAL,
    RESEAL;

    /** The function's name: {@code seal}, {@code unseal} or {@code reseal}. */
    public String function() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The function of that exact name, if there is one. */
    public static Optional<Operation> named(String function) {
        return Arrays.stream(values())
                .filter(op -> op.function().equals(function))
                .findFirst();
    }

    @Override
    public String toString() {
        return function();
    }
}
