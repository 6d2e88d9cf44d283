package dev.sealer.kms;

/**
 * Wraps a small secret (a data key) with a key held by a KMS. Mirrors the CDH's {@code Encrypter}
 * capability.
 */
public interface Encrypter {

    /**
     * Encrypts {@code plaintext} under the KMS key {@code keyId}.
     *
     * @return the KMS ciphertext and the annotations needed to decrypt it later (public values,
     *     e.g. the IV the KMS chose); neither is secret
     * @throws KmsRefusedException when the KMS refuses what was asked; {@link KmsFailureException} when it
     *     refuses the service, cannot be reached or answers nonsense
     */
    WrappedKey encrypt(String keyId, byte[] plaintext);
}
