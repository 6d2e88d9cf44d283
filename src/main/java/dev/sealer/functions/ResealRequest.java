package dev.sealer.functions;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * Input of {@code reseal}: a sealed secret to open and seal again inside the service (the plaintext
 * never leaves it), with a fresh data key, signed with the service's current signing key and kid.
 * Optionally under another KMS key ({@code key_id}) or other provider settings; both default to those
 * of the sealed secret. All public. Field names are exact, as in {@link SealRequest}.
 */
@JsonFormat(without = JsonFormat.Feature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
public record ResealRequest(
        String sealed,
        @JsonProperty("key_id") String keyId,
        @JsonProperty("provider_settings") Map<String, String> providerSettings) {}
