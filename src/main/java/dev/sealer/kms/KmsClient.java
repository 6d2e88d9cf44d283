package dev.sealer.kms;

/**
 * One KMS, reached with one set of credentials: what a sealed secret's {@code provider} and
 * {@code provider_settings} select. Implementations are thread-safe and may be cached.
 */
public interface KmsClient extends Encrypter, Decrypter, SecretGetter {}
