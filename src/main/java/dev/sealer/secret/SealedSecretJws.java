package dev.sealer.secret;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sealer.CallerFaultException;
import dev.sealer.ErrorCode;
import dev.sealer.Json;
import dev.sealer.StrictBase64;
import java.io.IOException;
import java.security.interfaces.ECPublicKey;
import java.util.Set;

/**
 * The outer form of a sealed secret: {@code sealed.<header>.<payload>.<signature>}, a JWS compact
 * serialization (ES256 over {@code <header>.<payload>}, raw 64-byte R||S) behind the {@code sealed.}
 * prefix, every part base64url without padding (docs/FORMAT.md). Also the legacy unsigned form
 * {@code sealed.fakejwsheader.<payload>.fakesignature}.
 *
 * <p>Authenticated: the protected header and the payload bytes, with the key named by the kid. The
 * header must be a JSON object without duplicate members, with {@code alg} ES256 and a string
 * {@code kid}; {@code b64} may only be {@code true} (the CDH's tools write it); a {@code crit} member
 * naming anything but {@code b64} is refused (RFC 7515 section 4.1.11). Other members are ignored.
 */
final class SealedSecretJws {

    static final String PREFIX = "sealed.";
    static final String LEGACY_HEADER = "fakejwsheader";
    static final String LEGACY_SIGNATURE = "fakesignature";

    private static final ObjectMapper JSON = Json.STRICT;
    private static final String ALG_ES256 = "ES256";
    /** Header parameters this reader understands, and so may be listed as critical. */
    private static final Set<String> UNDERSTOOD_CRITICAL = Set.of("b64");

    /** The three parts after the prefix, still encoded. */
    record Parts(String header, String payload, String signature) {

        boolean isLegacy() {
            return LEGACY_HEADER.equals(header) && LEGACY_SIGNATURE.equals(signature);
        }
    }

    private SealedSecretJws() {}

    static String sign(SigningKey key, byte[] payload) {
        ObjectNode headerJson = JSON.createObjectNode()
                .put("alg", ALG_ES256)
                .put("kid", key.kid().value());
        String header;
        try {
            header = StrictBase64.encodeUrl(JSON.writeValueAsBytes(headerJson));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        String signingInput = header + "." + StrictBase64.encodeUrl(payload);
        return PREFIX + signingInput + "." + StrictBase64.encodeUrl(Es256.sign(key.privateKey(), signingInput));
    }

    static Parts split(String sealed) {
        if (sealed == null || !sealed.startsWith(PREFIX)) {
            throw malformed("not a sealed secret: it must start with '" + PREFIX + "'");
        }
        String[] parts = sealed.substring(PREFIX.length()).split("\\.", -1);
        if (parts.length != 3) {
            throw malformed("not a sealed secret: it must have 4 dot-separated parts, found " + (parts.length + 1));
        }
        for (int i = 0; i < 3; i++) {
            if (parts[i].isEmpty()) {
                throw malformed("not a sealed secret: part " + (i + 2) + " is empty");
            }
        }
        return new Parts(parts[0], parts[1], parts[2]);
    }

    /**
     * Verifies the signature and returns the payload bytes. Only the header is decoded before the
     * signature is checked, to learn the algorithm and the kid.
     *
     * @param requireLowS refuse a signature whose S is in the upper half (the other valid form)
     */
    static byte[] verify(Parts parts, VerificationKeys keys, boolean requireLowS) {
        JsonNode header;
        try {
            header = JSON.readTree(StrictBase64.decodeUrl("JWS header", parts.header()));
        } catch (IOException e) {
            throw malformed("JWS header is not JSON, or has a duplicate member");
        }
        if (header == null || !header.isObject()) {
            throw malformed("JWS header is not a JSON object");
        }
        JsonNode alg = header.get("alg");
        if (alg == null || !ALG_ES256.equals(alg.asText(null))) {
            throw new CallerFaultException(ErrorCode.SIGNATURE_INVALID, "JWS header: 'alg' must be ES256");
        }
        checkCritical(header);
        JsonNode b64 = header.get("b64");
        if (b64 != null && !(b64.isBoolean() && b64.booleanValue())) {
            throw malformed("JWS header: 'b64' must be true when present (an unencoded payload is not supported)");
        }
        JsonNode kidNode = header.get("kid");
        if (kidNode == null || !kidNode.isTextual()) {
            throw new CallerFaultException(ErrorCode.INVALID_ID, "JWS header: 'kid' must be a string");
        }
        Kid kid = Kid.parse(kidNode.textValue());
        byte[] signature = StrictBase64.decodeUrl("JWS signature", parts.signature());
        if (signature.length != Es256.SIGNATURE_BYTES
                || isZero(signature, 0, 32)
                || isZero(signature, 32, 64)
                || (requireLowS && Es256.isHighS(signature))) {
            throw invalidSignature();
        }
        byte[] payload = StrictBase64.decodeUrl("JWS payload", parts.payload());
        ECPublicKey key = keys.find(kid);
        if (!Es256.verify(key, parts.header() + "." + parts.payload(), signature)) {
            throw invalidSignature();
        }
        return payload;
    }

    /** RFC 7515: a reader must refuse a header that makes critical a parameter it does not understand. */
    private static void checkCritical(JsonNode header) {
        JsonNode crit = header.get("crit");
        if (crit == null) {
            return;
        }
        if (!crit.isArray() || crit.isEmpty()) {
            throw malformed("JWS header: 'crit' must be a non-empty array of parameter names");
        }
        for (JsonNode name : crit) {
            if (!name.isTextual() || !UNDERSTOOD_CRITICAL.contains(name.textValue()) || !header.has(name.textValue())) {
                throw malformed("JWS header: 'crit' names a parameter this reader does not understand");
            }
        }
    }

    /** The payload bytes without any verification: only for the explicit skip switch. */
    static byte[] unverifiedPayload(Parts parts) {
        return StrictBase64.decodeUrl("JWS payload", parts.payload());
    }

    private static boolean isZero(byte[] bytes, int from, int to) {
        int accumulator = 0;
        for (int i = from; i < to; i++) {
            accumulator |= bytes[i];
        }
        return accumulator == 0;
    }

    private static CallerFaultException invalidSignature() {
        return new CallerFaultException(ErrorCode.SIGNATURE_INVALID, "the sealed secret's signature does not verify");
    }

    private static CallerFaultException malformed(String message) {
        return new CallerFaultException(ErrorCode.MALFORMED_SEALED_SECRET, message);
    }
}
