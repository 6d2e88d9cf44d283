package dev.sealer.secret;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealer.ErrorCode;
import dev.sealer.SealerException;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The JSON payload of a sealed secret, field for field as the CDH writes it (SPEC 1). Envelope
 * secrets use {@code key_id}, {@code encrypted_key}, {@code encrypted_data}, {@code wrap_type} and
 * {@code iv}; vault secrets use {@code name}. Every value here is public (the data key and the data
 * are encrypted), but only a verified payload may be used.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"version", "type", "name", "provider", "key_id", "encrypted_key", "encrypted_data", "wrap_type", "iv",
        "provider_settings", "annotations"})
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
        @JsonProperty("provider_settings") Map<String, String> providerSettings,
        Map<String, String> annotations) {

    public static final String VERSION = "0.1.0";
    public static final String TYPE_ENVELOPE = "envelope";
    public static final String TYPE_VAULT = "vault";
    public static final String WRAP_A256GCM = "A256GCM";
    public static final String WRAP_A256CTR = "A256CTR";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> ENVELOPE_FIELDS = Set.of("version", "type", "provider", "key_id", "encrypted_key",
            "encrypted_data", "wrap_type", "iv", "provider_settings", "annotations");
    private static final Set<String> VAULT_FIELDS = Set.of("version", "type", "provider", "name", "provider_settings",
            "annotations");

    public static SealedSecretPayload envelope(String provider, String keyId, String encryptedKey, String encryptedData,
            String iv, Map<String, String> providerSettings, Map<String, String> annotations) {
        return new SealedSecretPayload(VERSION, TYPE_ENVELOPE, null, provider, keyId, encryptedKey, encryptedData,
                WRAP_A256GCM, iv, providerSettings, annotations);
    }

    public static SealedSecretPayload vault(String provider, String name, Map<String, String> providerSettings,
            Map<String, String> annotations) {
        return new SealedSecretPayload(VERSION, TYPE_VAULT, name, provider, null, null, null, null, null,
                providerSettings, annotations);
    }

    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Parses and checks the payload strictly, in the CDH's order: the version before anything else,
     * then the type, then the fields of that type (all required, all strings, none unknown).
     * Values are checked for form only; ids and base64 are checked where they are used.
     */
    public static SealedSecretPayload parse(byte[] json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw malformed("payload is not JSON");
        }
        if (root == null || !root.isObject()) {
            throw malformed("payload is not a JSON object");
        }
        String version = optionalString(root, "version");
        if (version == null) {
            throw malformed("payload field 'version' is missing");
        }
        if (!VERSION.equals(version)) {
            throw new SealerException(ErrorCode.UNSUPPORTED_VERSION, "field 'version': only " + VERSION + " is supported");
        }
        String type = requiredString(root, "type");
        Set<String> allowed = switch (type) {
            case TYPE_ENVELOPE -> ENVELOPE_FIELDS;
            case TYPE_VAULT -> VAULT_FIELDS;
            default -> throw new SealerException(ErrorCode.UNSUPPORTED_TYPE,
                    "field 'type': must be '" + TYPE_ENVELOPE + "' or '" + TYPE_VAULT + "'");
        };
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!allowed.contains(field)) {
                throw malformed("payload field '" + truncate(field) + "' is not a field of a " + type + " sealed secret");
            }
        }
        String provider = requiredString(root, "provider");
        Map<String, String> providerSettings = stringMap(root, "provider_settings");
        Map<String, String> annotations = stringMap(root, "annotations");
        if (TYPE_VAULT.equals(type)) {
            return new SealedSecretPayload(version, type, requiredString(root, "name"), provider, null, null, null, null,
                    null, providerSettings, annotations);
        }
        return new SealedSecretPayload(version, type, null, provider, requiredString(root, "key_id"),
                requiredString(root, "encrypted_key"), requiredString(root, "encrypted_data"),
                requiredString(root, "wrap_type"), requiredString(root, "iv"), providerSettings, annotations);
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

    /** An object of string values; absent means empty (the CDH writes both maps, older tools may not). */
    private static Map<String, String> stringMap(JsonNode root, String field) {
        JsonNode node = root.get(field);
        Map<String, String> map = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return map;
        }
        if (!node.isObject()) {
            throw malformed("payload field '" + field + "' must be an object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> entries = node.fields(); entries.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = entries.next();
            if (!entry.getValue().isTextual()) {
                throw malformed("payload field '" + field + "." + truncate(entry.getKey()) + "' must be a string");
            }
            map.put(entry.getKey(), entry.getValue().textValue());
        }
        return map;
    }

    private static String truncate(String name) {
        String printable = name.replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() > 40 ? printable.substring(0, 40) + "..." : printable;
    }

    private static SealerException malformed(String message) {
        return new SealerException(ErrorCode.MALFORMED_SEALED_SECRET, message);
    }
}
