package dev.sealer.functions;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * Input of {@code seal}. For an envelope secret exactly one of {@code plaintext} (std base64 of the
 * secret bytes) and {@code text} (a UTF-8 string): both are secret. The rest is public: the KMS
 * provider (default: the service's), its key and settings, and for a vault secret the secret's name
 * and annotations.
 */
public record SealRequest(
        String plaintext,
        String text,
        @JsonProperty("key_id") String keyId,
        String provider,
        @JsonProperty("provider_settings") Map<String, String> providerSettings,
        String type,
        String name,
        Map<String, String> annotations) {

    @Override
    public String toString() {
        return "SealRequest[type=" + type + ", provider=" + provider + ", key_id=" + keyId + ", secret=<redacted>]";
    }
}
