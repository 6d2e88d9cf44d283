package dev.sealer.secret;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealer.ErrorCode;
import dev.sealer.SafeIds;
import dev.sealer.SealerException;
import dev.sealer.StrictBase64;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.ECPublicKey;

/**
 * The outer form of a sealed secret: {@code sealed.<header>.<payload>.<signature>}, a JWS compact
 * serialization (ES256 over {@code <header>.<payload>}, raw 64-byte R||S) behind the {@code sealed.}
 * prefix, every part base64url without padding (SPEC 1). Also the legacy unsigned form
 * {@code sealed.fakejwsheader.<payload>.fakesignature}.
 *
 * <p>Authenticated: the protected header and the payload bytes, with the key named by the kid. The
 * signature itself is computed by {@link Es256}.
 */
final class SealedSecretJws {

    static final String PREFIX = "sealed.";
    static final String LEGACY_HEADER = "fakejwsheader";
    static final String LEGACY_SIGNATURE = "fakesignature";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALG_ES256 = "ES256";

    /** The three parts after the prefix, still encoded. */
    record Parts(String header, String payload, String signature) {

        boolean isLegacy() {
            return LEGACY_HEADER.equals(header) && LEGACY_SIGNATURE.equals(signature);
        }
    }

    private SealedSecretJws() {
    }

    static String sign(SigningKey key, byte[] payload) {
        // The kid is a SafeIds id (no character needs escaping in JSON).
        String header = StrictBase64.encodeUrl(("{\"alg\":\"ES256\",\"kid\":\"" + key.kid() + "\"}")
                .getBytes(StandardCharsets.US_ASCII));
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
     */
    static byte[] verify(Parts parts, VerificationKeys keys) {
        JsonNode header;
        try {
            header = JSON.readTree(StrictBase64.decodeUrl("JWS header", parts.header()));
        } catch (IOException e) {
            throw malformed("JWS header is not JSON");
        }
        if (header == null || !header.isObject()) {
            throw malformed("JWS header is not a JSON object");
        }
        JsonNode alg = header.get("alg");
        if (alg == null || !ALG_ES256.equals(alg.asText(null))) {
            throw new SealerException(ErrorCode.SIGNATURE_INVALID, "JWS header: 'alg' must be ES256");
        }
        JsonNode kidNode = header.get("kid");
        String kid = SafeIds.require("kid", kidNode != null && kidNode.isTextual() ? kidNode.textValue() : null);
        byte[] signature = StrictBase64.decodeUrl("JWS signature", parts.signature());
        if (signature.length != Es256.SIGNATURE_BYTES || isZero(signature, 0, 32) || isZero(signature, 32, 64)) {
            throw invalidSignature();
        }
        byte[] payload = StrictBase64.decodeUrl("JWS payload", parts.payload());
        ECPublicKey key = keys.find(kid);
        if (!Es256.verify(key, parts.header() + "." + parts.payload(), signature)) {
            throw invalidSignature();
        }
        return payload;
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

    private static SealerException invalidSignature() {
        return new SealerException(ErrorCode.SIGNATURE_INVALID, "the sealed secret's signature does not verify");
    }

    private static SealerException malformed(String message) {
        return new SealerException(ErrorCode.MALFORMED_SEALED_SECRET, message);
    }
}
