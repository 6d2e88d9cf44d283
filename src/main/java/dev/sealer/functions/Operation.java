package dev.sealer.functions;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The service's functions, by the names every entry point and the configuration use for them. */
public enum Operation {
    SEAL,
    UNSEAL,
    RESEAL,
    /** Judges sealed secrets (here and in a stock CDH) without a KMS call: {@link CheckService}. */
    CHECK;

    /** The function's name: {@code seal}, {@code unseal}, {@code reseal} or {@code check}. */
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
