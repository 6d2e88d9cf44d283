package dev.sealer.functions;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * Input of {@code seal}. Exactly one of {@code plaintext} (std base64 of the secret bytes) and
 * {@code text} (a UTF-8 string). Both are secret. The rest is public.
 */
public record SealRequest(
        String plaintext,
        String text,
        @JsonProperty("key_id") String keyId,
        @JsonProperty("provider_settings") Map<String, String> providerSettings,
        String type,
        String name,
        Map<String, String> annotations) {

    @Override
    public String toString() {
        return "SealRequest[type=" + type + ", key_id=" + keyId + ", secret=<redacted>]";
    }
}
