package dev.sealer.secret;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sealer.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * What an audit record may say about a sealed secret, all of it public: the SHA-256 of its signing input
 * ({@code <header>.<payload>}, which identifies one secret across calls without revealing anything), the kid
 * of its header, and the provider and client type its payload names. Read without verifying the signature
 * and without ever failing: a part that does not decode is left out (null). So for a secret that did not
 * verify, these are what it claims, not what was proven; values are cut to {@value #MAX_VALUE_CHARS}
 * characters.
 */
public record SealedSecretSummary(String signingInputSha256, String kid, String provider, String clientType) {

    static final int MAX_VALUE_CHARS = 256;
    private static final SealedSecretSummary NOTHING = new SealedSecretSummary(null, null, null, null);

    /** The summary of a sealed string as a caller sent it or this service wrote it (white space around ignored). */
    public static SealedSecretSummary of(String sealed) {
        if (sealed == null) {
            return NOTHING;
        }
        SealedSecretJws.Parts parts;
        try {
            parts = SealedSecretJws.split(sealed.strip());
        } catch (RuntimeException e) {
            return NOTHING;
        }
        String hash = sha256(parts.header() + "." + parts.payload());
        JsonNode header = decode(parts.header());
        JsonNode payload = decode(parts.payload());
        JsonNode settings = payload == null ? null : payload.get("provider_settings");
        return new SealedSecretSummary(
                hash,
                text(header == null ? null : header.get("kid")),
                text(payload == null ? null : payload.get("provider")),
                text(settings == null ? null : settings.get("client_type")));
    }

    private static JsonNode decode(String part) {
        try {
            return Json.STRICT.readTree(Base64.getUrlDecoder().decode(part));
        } catch (Exception e) {
            return null;
        }
    }

    private static String text(JsonNode node) {
        if (node == null || !node.isTextual()) {
            return null;
        }
        String value = node.textValue();
        return value.length() > MAX_VALUE_CHARS ? value.substring(0, MAX_VALUE_CHARS) : value;
    }

    private static String sha256(String signingInput) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256")
                            .digest(signingInput.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
