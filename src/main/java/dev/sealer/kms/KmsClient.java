package dev.sealer.kms;

import java.util.Map;

/**
 * One KMS, reached with one set of credentials: what a sealed secret's {@code provider} and
 * {@code provider_settings} select. Implementations are thread-safe and may be cached.
 */
public interface KmsClient extends Encrypter, Decrypter, SecretGetter {

    /**
     * The provider settings to write into a sealed secret so that a reader (this project or the CDH)
     * reaches the same KMS with the same credentials. Public values only.
     */
    Map<String, String> providerSettings();
}
