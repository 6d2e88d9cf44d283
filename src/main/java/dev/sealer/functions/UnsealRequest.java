package dev.sealer.functions;

import com.fasterxml.jackson.annotation.JsonFormat;

/**
 * Input of {@code unseal}: a sealed secret (surrounding white space is ignored). Field names are exact
 * (Funqy's binding would otherwise match them in any case, so {@code SEALED} could repeat {@code sealed}).
 */
@JsonFormat(without = JsonFormat.Feature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
public record UnsealRequest(String sealed) {}
