package dev.sealer.functions;

import dev.sealer.CallerFaultException;
import dev.sealer.ErrorCode;
import dev.sealer.ServiceFaultException;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwe.ContentEncryptionAlgorithmIdentifiers;
import org.jose4j.jwe.JsonWebEncryption;
import org.jose4j.jwe.KeyManagementAlgorithmIdentifiers;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.lang.JoseException;

/**
 * The one JWE form this service writes and reads: compact serialization, key management ECDH-ES+A256KW to
 * an EC key (P-256, P-384 or P-521), content A256GCM. Everything else ({@code dir}, RSA, other content
 * encryptions, a JSON serialization) is refused before any key is used. Writing: the secret is readable
 * only by the holder of the recipient's private key; the protected header (authenticated by the GCM tag)
 * carries the recipient's {@code kid} and the extra members the caller names. Reading: a failure of any
 * kind (format, algorithm, wrong key, tampering) is one "does not decrypt" error, so that a caller learns
 * nothing from which check failed.
 */
final class Jwe {

    private static final AlgorithmConstraints KEY_MANAGEMENT = new AlgorithmConstraints(
            AlgorithmConstraints.ConstraintType.PERMIT, KeyManagementAlgorithmIdentifiers.ECDH_ES_A256KW);
    private static final AlgorithmConstraints CONTENT = new AlgorithmConstraints(
            AlgorithmConstraints.ConstraintType.PERMIT, ContentEncryptionAlgorithmIdentifiers.AES_256_GCM);
    /** A compact JWE of the largest seal request is far below this; longer input is refused before parsing. */
    static final int MAX_COMPACT_CHARS = 4 * 1024 * 1024;

    private Jwe() {}

    /**
     * @param secret not kept; the caller wipes it
     * @param header extra protected-header members (name, value), e.g. {@code event_id}
     */
    static String encrypt(byte[] secret, EllipticCurveJsonWebKey recipient, String... header) {
        try {
            JsonWebEncryption jwe = new JsonWebEncryption();
            jwe.setAlgorithmHeaderValue(KeyManagementAlgorithmIdentifiers.ECDH_ES_A256KW);
            jwe.setEncryptionMethodHeaderParameter(ContentEncryptionAlgorithmIdentifiers.AES_256_GCM);
            jwe.setKey(recipient.getECPublicKey());
            if (recipient.getKeyId() != null) {
                jwe.setKeyIdHeaderValue(recipient.getKeyId());
            }
            for (int i = 0; i + 1 < header.length; i += 2) {
                jwe.setHeader(header[i], header[i + 1]);
            }
            jwe.setPlaintext(secret);
            return jwe.getCompactSerialization();
        } catch (JoseException e) {
            throw new ServiceFaultException(ErrorCode.INTERNAL_ERROR, "the answer could not be encrypted", null, e);
        }
    }

    /**
     * @param field the request field, for the message
     * @return the plaintext bytes (secret: the caller wipes them)
     * @throws CallerFaultException {@code DECRYPTION_FAILED} for anything that does not decrypt to this key
     */
    static byte[] decrypt(String compact, EllipticCurveJsonWebKey key, String field) {
        if (compact == null || compact.length() > MAX_COMPACT_CHARS) {
            throw notDecrypted(field, null);
        }
        try {
            JsonWebEncryption jwe = new JsonWebEncryption();
            jwe.setAlgorithmConstraints(KEY_MANAGEMENT);
            jwe.setContentEncryptionAlgorithmConstraints(CONTENT);
            jwe.setCompactSerialization(compact.strip());
            jwe.setKey(key.getPrivateKey());
            return jwe.getPlaintextBytes();
        } catch (JoseException | RuntimeException e) {
            throw notDecrypted(field, e);
        }
    }

    private static CallerFaultException notDecrypted(String field, Throwable cause) {
        return new CallerFaultException(
                ErrorCode.DECRYPTION_FAILED,
                "field '" + field + "': not a compact JWE (ECDH-ES+A256KW, A256GCM) to this guest's seal input key",
                cause == null ? null : cause.getClass().getSimpleName(),
                null);
    }
}
