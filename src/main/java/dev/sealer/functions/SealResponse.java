package dev.sealer.functions;

/** Output of {@code seal}: the sealed secret, safe to store anywhere. */
public record SealResponse(String sealed) {
}
