package dev.sealer.functions;

/** Input of {@code unseal}: a sealed secret (surrounding white space is ignored). */
public record UnsealRequest(String sealed) {}
