package dev.sealer.kms;

/**
 * The envelope part of a KMS client: a KMS key that wraps and unwraps data keys. Only the client types that have
 * one offer it ({@link KmsProvider#envelopeKey}); a client type that can only read vault secrets has none, and
 * implements only {@link SecretGetter}. Thread-safe.
 */
public interface EnvelopeKey extends Encrypter, Decrypter {}
