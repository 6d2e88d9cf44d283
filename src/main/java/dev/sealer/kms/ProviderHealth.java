package dev.sealer.kms;

import java.util.Map;

/**
 * The readiness of one KMS provider: up or down, with a stable error code when down, and a few
 * public facts (never paths, ids or secrets: readiness is served without authentication).
 */
public record ProviderHealth(boolean up, String errorCode, Map<String, String> data) {

    public ProviderHealth {
        data = Map.copyOf(data);
    }

    public static ProviderHealth up(Map<String, String> data) {
        return new ProviderHealth(true, null, data);
    }

    public static ProviderHealth down(String errorCode, Map<String, String> data) {
        return new ProviderHealth(false, errorCode, data);
    }
}
