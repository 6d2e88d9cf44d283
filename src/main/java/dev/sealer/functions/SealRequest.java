package dev.sealer.functions;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * Input of {@code seal}. One secret: exactly one of {@code plaintext} (std base64 of the secret bytes)
 * and {@code text} (a UTF-8 string). Or several: {@code secrets}, a map from a name (a Kubernetes
 * Secret data key) to one such pair, sealed all or nothing with the same settings, optionally answered
 * as a Kubernetes Secret manifest ({@code output} {@code kubernetes-secret} and {@code metadata}). The
 * secrets are secret; the rest is public: the KMS provider (default: the service's), its key and
 * settings, and for a vault secret the secret's name and annotations.
 *
 * <p>Field names are exact: Funqy binds request bodies with case-insensitive property names, under which
 * {@code TEXT} would silently repeat {@code text}; a repeated member is refused (the mapper detects
 * duplicates), and so is a name in another case (an unknown field).
 *
 * <p>In the {@code tee} profile (with {@code sealer.tee.seal.enabled}) the request is only {@code jwe}: a
 * compact JWE (ECDH-ES+A256KW, A256GCM) to the guest's seal input key whose plaintext is such a request.
 */
@JsonFormat(without = JsonFormat.Feature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
public record SealRequest(
        String plaintext,
        String text,
        Map<String, SecretItem> secrets,
        @JsonProperty("key_id") String keyId,
        String provider,
        @JsonProperty("provider_settings") Map<String, String> providerSettings,
        String type,
        String name,
        Map<String, String> annotations,
        String output,
        ManifestMetadata metadata,
        String jwe) {

    /** One secret of a batch: exactly one of {@code plaintext} (std base64) and {@code text} (UTF-8). Secret. */
    @JsonFormat(without = JsonFormat.Feature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
    public record SecretItem(String plaintext, String text) {
        @Override
        public String toString() {
            return "SecretItem[<redacted>]";
        }
    }

    /** Where the Kubernetes Secret goes: its name, namespace and optional labels (public). */
    @JsonFormat(without = JsonFormat.Feature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
    public record ManifestMetadata(String name, String namespace, Map<String, String> labels) {}

    @Override
    public String toString() {
        return "SealRequest[type=" + type + ", provider=" + provider + ", key_id=" + keyId + ", secrets="
                + (secrets == null ? 0 : secrets.size()) + ", secret=<redacted>" + (jwe == null ? "" : ", jwe") + "]";
    }
}
