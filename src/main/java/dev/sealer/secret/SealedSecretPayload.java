package dev.sealer.secret;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealer.CallerFaultException;
import dev.sealer.ErrorCode;
import dev.sealer.Json;
import java.io.IOException;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON payload of a sealed secret, field for field as the CDH writes it (docs/FORMAT.md).
 * Envelope secrets use {@code key_id}, {@code encrypted_key}, {@code encrypted_data}, {@code wrap_type}
 * and {@code iv}; vault secrets use {@code name}. Every value here is public (the data key and the
 * data are encrypted), but only a verified payload may be used.
 *
 * <p>Written with the members in the CDH's order, {@code provider_settings} and {@code annotations}
 * always present. Read as tolerantly as the CDH reads it (the whole payload is signed, so this costs
 * no safety): unknown members are ignored, and inside {@code provider_settings} and
 * {@code annotations} a value that is not a string is kept as a {@code null} entry, which a provider
 * refuses only if it is a member it reads. The version is checked before anything else.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
    "version",
    "type",
    "name",
    "key_id",
    "encrypted_key",
    "encrypted_data",
    "wrap_type",
    "iv",
    "provider",
    "provider_settings",
    "annotations"
})
public record SealedSecretPayload(
        String version,
        String type,
        String name,
        String provider,
        @JsonProperty("key_id") String keyId,
        @JsonProperty("encrypted_key") String encryptedKey,
        @JsonProperty("encrypted_data") String encryptedData,
        @JsonProperty("wrap_type") String wrapType,
        String iv,

        @JsonProperty("provider_settings") @JsonInclude(JsonInclude.Include.ALWAYS)
        Map<String, String> providerSettings,

        @JsonInclude(JsonInclude.Include.ALWAYS) Map<String, String> annotations) {

    public static final String VERSION = "0.1.0";
    public static final String TYPE_ENVELOPE = "envelope";
    public static final String TYPE_VAULT = "vault";
    public static final String WRAP_A256GCM = "A256GCM";
    public static final String WRAP_A256CTR = "A256CTR";

    private static final ObjectMapper JSON = Json.STRICT;

    public static SealedSecretPayload envelope(
            String provider,
            String keyId,
            String encryptedKey,
            String encryptedData,
            String iv,
            Map<String, String> providerSettings,
            Map<String, String> annotations) {
        return new SealedSecretPayload(
                VERSION,
                TYPE_ENVELOPE,
                null,
                provider,
                keyId,
                encryptedKey,
                encryptedData,
                WRAP_A256GCM,
                iv,
                providerSettings,
                annotations);
    }

    public static SealedSecretPayload vault(
            String provider, String name, Map<String, String> providerSettings, Map<String, String> annotations) {
        return new SealedSecretPayload(
                VERSION, TYPE_VAULT, name, provider, null, null, null, null, null, providerSettings, annotations);
    }

    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Parses and checks the payload, in the CDH's order: the version before anything else, then the
     * type, then the fields of that type (required, strings). Values are checked for form only; ids
     * and base64 are checked where they are used.
     */
    public static SealedSecretPayload parse(byte[] json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw malformed("payload is not JSON, or has a duplicate member");
        }
        if (root == null || !root.isObject()) {
            throw malformed("payload is not a JSON object");
        }
        String version = optionalString(root, "version");
        if (version == null) {
            throw malformed("payload field 'version' is missing");
        }
        if (!VERSION.equals(version)) {
            throw new CallerFaultException(
                    ErrorCode.UNSUPPORTED_VERSION, "field 'version': only " + VERSION + " is supported");
        }
        String type = requiredString(root, "type");
        if (!TYPE_ENVELOPE.equals(type) && !TYPE_VAULT.equals(type)) {
            throw new CallerFaultException(
                    ErrorCode.UNSUPPORTED_TYPE,
                    "field 'type': must be '" + TYPE_ENVELOPE + "' or '" + TYPE_VAULT + "'");
        }
        String provider = requiredString(root, "provider");
        Map<String, String> providerSettings = members(root, "provider_settings");
        Map<String, String> annotations = members(root, "annotations");
        if (TYPE_VAULT.equals(type)) {
            return new SealedSecretPayload(
                    version,
                    type,
                    requiredString(root, "name"),
                    provider,
                    null,
                    null,
                    null,
                    null,
                    null,
                    providerSettings,
                    annotations);
        }
        return new SealedSecretPayload(
                version,
                type,
                null,
                provider,
                requiredString(root, "key_id"),
                requiredString(root, "encrypted_key"),
                requiredString(root, "encrypted_data"),
                requiredString(root, "wrap_type"),
                requiredString(root, "iv"),
                providerSettings,
                annotations);
    }

    private static String requiredString(JsonNode root, String field) {
        String value = optionalString(root, field);
        if (value == null) {
            throw malformed("payload field '" + field + "' is missing");
        }
        return value;
    }

    private static String optionalString(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw malformed("payload field '" + field + "' must be a string");
        }
        return node.textValue();
    }

    /**
     * A JSON object's members: string values as they are, any other value as a {@code null} entry
     * (present, but not a string). Absent means empty (older tools may not write the maps).
     */
    private static Map<String, String> members(JsonNode root, String field) {
        JsonNode node = root.get(field);
        Map<String, String> map = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return Collections.unmodifiableMap(map);
        }
        if (!node.isObject()) {
            throw malformed("payload field '" + field + "' must be an object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> entries = node.fields(); entries.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = entries.next();
            map.put(
                    entry.getKey(),
                    entry.getValue().isTextual() ? entry.getValue().textValue() : null);
        }
        return Collections.unmodifiableMap(map);
    }

    private static CallerFaultException malformed(String message) {
        return new CallerFaultException(ErrorCode.MALFORMED_SEALED_SECRET, message);
    }
}
