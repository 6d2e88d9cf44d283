package dev.sealer.functions;

import com.fasterxml.jackson.annotation.JsonFormat;

/**
 * Input of {@code check}: exactly one of {@code sealed} (one sealed string, judged exactly as given: white space
 * around it counts, since a pod receives it unchanged) or {@code manifest} (YAML or JSON, one or more documents;
 * every value starting with {@code sealed.} in the {@code data} and {@code stringData} of every Secret, also inside
 * a {@code List}'s {@code items}). All public: sealed secrets are. Field names are exact, as in {@link SealRequest}.
 */
@JsonFormat(without = JsonFormat.Feature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
public record CheckRequest(String sealed, String manifest) {}
