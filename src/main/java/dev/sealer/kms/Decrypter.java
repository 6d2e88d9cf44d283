package dev.sealer.kms;

import java.util.Map;

/** Unwraps what an {@link Encrypter} of the same provider wrapped. Mirrors the CDH's {@code Decrypter}. */
public interface Decrypter {

    /**
     * Decrypts {@code ciphertext} with the KMS key {@code keyId}.
     *
     * @param annotations the annotations returned by {@link Encrypter#encrypt} (untrusted input; the
     *     provider validates them)
     * @return the plaintext; secret: the caller must wipe it after use
     */
    byte[] decrypt(String keyId, byte[] ciphertext, Map<String, String> annotations);
}
