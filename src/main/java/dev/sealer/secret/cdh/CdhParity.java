package dev.sealer.secret.cdh;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealer.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Judges a sealed string the way a stock CDH reads it, next to the way this service reads it, and names every
 * difference with a {@link CdhReason}. Pure: no key, no KMS, nothing decrypted; the signature is not checked here
 * (the caller does that with the service's own verifier). The string is judged exactly as handed over: as the kata
 * agent passes an env value or a file's content to the CDH (kata-containers 7c6ba40, {@code src/agent}: unchanged).
 *
 * <p>Mirrors (guest-components 8246e5e): {@code hub/src/secret/mod.rs} ({@code trim_start_matches("sealed.")},
 * jose-jws {@code Flattened} parsing, {@code serde_json::from_slice} of the payload), {@code layout/envelope.rs}
 * and {@code layout/vault.rs} ({@code provider_settings} and {@code annotations} required maps),
 * {@code kms/src/plugins/aliyun/client/mod.rs} ({@code client_type} required) and {@code sts_token_client}
 * ({@code token_path} read as given); jose-jws 0.1.2 {@code head.rs} for the typed header members. What it
 * reports is public: the kid, type, provider and client type of a sealed secret.
 */
public final class CdhParity {

    /** Header members jose-jws 0.1.2 reads (others are ignored by serde, duplicates included). */
    private static final Set<String> HEADER_MEMBERS = Set.of(
            "crit", "nonce", "b64", "alg", "jwk", "kid", "x5c", "x5t", "x5t#S256", "typ", "cty", "url", "jku", "x5u");
    /** Payload members the CDH's {@code Secret} reads. */
    private static final Set<String> PAYLOAD_MEMBERS = Set.of(
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
            "annotations");

    private static final String PREFIX = "sealed.";
    private static final ObjectMapper JSON = Json.MAPPER;

    /**
     * What was learnt of one sealed string.
     *
     * @param kidForm {@code kbs_uri}, {@code file}, or null when there is no readable kid
     */
    public record Verdict(
            Set<CdhReason> reasons, String kid, String kidForm, String type, String provider, String clientType) {

        public Verdict {
            reasons = reasons.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(reasons));
        }

        /** The reasons in their declared order. */
        public List<CdhReason> ordered() {
            return reasons.isEmpty() ? List.of() : List.copyOf(EnumSet.copyOf(reasons));
        }

        /**
         * Whether a stock CDH opens it: no reason it refuses, a signature that is not known to be invalid, and either
         * this service opens it too or one of the reasons explains why this service does not.
         */
        public boolean opensInStockCdh(boolean opensHere, boolean signatureInvalid) {
            boolean cdhRefuses = reasons.stream().anyMatch(r -> r.direction() == CdhReason.Direction.CDH_REFUSES);
            boolean hereRefuses = reasons.stream().anyMatch(r -> r.direction() == CdhReason.Direction.HERE_REFUSES);
            return !signatureInvalid && !cdhRefuses && (opensHere || hereRefuses);
        }
    }

    private CdhParity() {}

    /** @param sealed the sealed string exactly as a pod would receive it (null: nothing to judge) */
    public static Verdict judge(String sealed) {
        Set<CdhReason> reasons = EnumSet.noneOf(CdhReason.class);
        if (sealed == null || sealed.isEmpty()) {
            return new Verdict(reasons, null, null, null, null, null);
        }
        String text = sealed.strip();
        if (!text.equals(sealed)) {
            reasons.add(CdhReason.SURROUNDING_WHITESPACE);
        }
        int prefixes = 0;
        while (text.startsWith(PREFIX)) {
            text = text.substring(PREFIX.length());
            prefixes++;
        }
        String[] parts = text.split("\\.", -1);
        if (parts.length != 3) {
            return new Verdict(reasons, null, null, null, null, null);
        }
        if (prefixes == 0) {
            reasons.add(CdhReason.NO_PREFIX);
        } else if (prefixes > 1) {
            reasons.add(CdhReason.REPEATED_PREFIX);
        }
        String kid = null;
        if ("fakejwsheader".equals(parts[0]) && "fakesignature".equals(parts[2])) {
            reasons.add(CdhReason.LEGACY_UNSIGNED);
        } else {
            kid = judgeHeader(decode(parts[0]), reasons);
        }
        String kidForm = kid == null ? null : judgeKid(kid, reasons);
        byte[] payloadBytes = decode(parts[1]);
        JsonNode payload = payloadBytes == null ? null : judgePayload(payloadBytes, reasons);
        if (payload == null) {
            return new Verdict(reasons, kid, kidForm, null, null, null);
        }
        String provider = text(payload, "provider");
        JsonNode settings = payload.get("provider_settings");
        if (settings == null || settings.isNull()) {
            reasons.add(CdhReason.PROVIDER_SETTINGS_MISSING);
        }
        JsonNode annotations = payload.get("annotations");
        if (annotations == null || annotations.isNull()) {
            reasons.add(CdhReason.ANNOTATIONS_MISSING);
        }
        String clientType = settings == null ? null : text(settings, "client_type");
        if ("aliyun".equals(provider) && settings != null && settings.isObject()) {
            if (!settings.has("client_type")) {
                reasons.add(CdhReason.CLIENT_TYPE_MISSING);
            }
            String tokenPath = text(settings, "token_path");
            if ("sts_token".equals(clientType) && tokenPath != null && !tokenPath.startsWith("/")) {
                reasons.add(CdhReason.TOKEN_PATH_RELATIVE);
            }
        }
        return new Verdict(reasons, kid, kidForm, text(payload, "type"), provider, clientType);
    }

    /** The kid, after noting what jose-jws and this service read differently in the header. */
    private static String judgeHeader(byte[] json, Set<CdhReason> reasons) {
        JsonNode header = json == null ? null : readObject(json, HEADER_MEMBERS, reasons, false);
        if (header == null) {
            return null;
        }
        if (!optional(header, "typ", JsonNode::isTextual)
                || !optional(header, "cty", JsonNode::isTextual)
                || !optional(header, "nonce", n -> n.isTextual() && decode(n.textValue()) != null)
                || !optional(header, "x5t", n -> n.isTextual() && decode(n.textValue()) != null)
                || !optional(header, "x5t#S256", n -> n.isTextual() && decode(n.textValue()) != null)
                || !optional(header, "jwk", n -> n.isObject() && n.path("kty").isTextual())
                || !optional(header, "x5c", CdhParity::isCertificateChain)) {
            reasons.add(CdhReason.HEADER_MEMBER_MALFORMED);
        }
        JsonNode b64 = header.get("b64");
        if (b64 != null && b64.isBoolean() && !b64.booleanValue()) {
            reasons.add(CdhReason.HEADER_B64_FALSE);
        }
        JsonNode crit = header.get("crit");
        if (crit != null && crit.isArray()) {
            for (JsonNode name : crit) {
                if (name.isTextual() && (!name.textValue().equals("b64") || !header.has("b64"))) {
                    reasons.add(CdhReason.HEADER_UNKNOWN_CRIT);
                }
            }
        }
        return text(header, "kid");
    }

    /** {@code kbs_uri} or {@code file}, as the CDH's {@code get_kid} tells them apart. */
    private static String judgeKid(String kid, Set<CdhReason> reasons) {
        String lower = kid.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("kbs://") && !lower.startsWith("kbs+")) {
            reasons.add(CdhReason.FILE_KID);
            return "file";
        }
        try {
            URI uri = new URI(kid);
            if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                reasons.add(CdhReason.KID_QUERY);
            }
            String path = uri.getRawPath() == null ? "" : uri.getRawPath();
            for (String segment : path.split("/", -1)) {
                if (segment.equals(".") || segment.equals("..")) {
                    reasons.add(CdhReason.KID_DOT_SEGMENT);
                }
            }
        } catch (URISyntaxException e) {
            // neither reader takes it for a resource URI of that form; nothing to compare
        }
        return "kbs_uri";
    }

    private static JsonNode judgePayload(byte[] bytes, Set<CdhReason> reasons) {
        if (bytes.length >= 3 && (bytes[0] & 0xff) == 0xef && (bytes[1] & 0xff) == 0xbb && (bytes[2] & 0xff) == 0xbf) {
            reasons.add(CdhReason.PAYLOAD_BYTE_ORDER_MARK);
        }
        return readObject(bytes, PAYLOAD_MEMBERS, reasons, true);
    }

    /**
     * The JSON object at the start of {@code json} (last member wins, as a tolerant reader sees it), noting a
     * duplicate member the CDH does not read and, for the payload, anything after the object.
     */
    private static JsonNode readObject(byte[] json, Set<String> known, Set<CdhReason> reasons, boolean payload) {
        try (JsonParser parser = JSON.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            Set<String> seen = new HashSet<>();
            com.fasterxml.jackson.databind.node.ObjectNode object = JSON.createObjectNode();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                JsonNode value = JSON.readTree(parser);
                if (!seen.add(name) && !known.contains(name)) {
                    reasons.add(CdhReason.DUPLICATE_UNKNOWN_MEMBER);
                }
                object.set(name, value);
            }
            if (payload && trailing(parser)) {
                reasons.add(CdhReason.PAYLOAD_TRAILING_DATA);
            }
            return object;
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean trailing(JsonParser parser) {
        try {
            return parser.nextToken() != null;
        } catch (IOException e) {
            return true;
        }
    }

    private static boolean isCertificateChain(JsonNode node) {
        if (!node.isArray()) {
            return false;
        }
        for (JsonNode certificate : node) {
            try {
                if (!certificate.isTextual()) {
                    return false;
                }
                Base64.getDecoder().decode(certificate.textValue());
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        return true;
    }

    /** True when the member is absent, null (serde's {@code None}) or of the expected form. */
    private static boolean optional(JsonNode object, String member, java.util.function.Predicate<JsonNode> form) {
        JsonNode value = object.get(member);
        return value == null || value.isNull() || form.test(value);
    }

    private static String text(JsonNode object, String member) {
        JsonNode value = object.get(member);
        return value != null && value.isTextual() ? value.textValue() : null;
    }

    /** base64url without padding, as jose-jws and the CDH decode; null when it does not decode. */
    private static byte[] decode(String part) {
        if (part.isEmpty() || part.indexOf('=') >= 0) {
            return part.isEmpty() ? new byte[0] : null;
        }
        try {
            return Base64.getUrlDecoder().decode(part);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
