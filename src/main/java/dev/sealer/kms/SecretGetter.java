package dev.sealer.kms;

import java.util.Map;

/** Reads a secret stored in the KMS itself (the "vault" sealed-secret type). Mirrors the CDH's {@code Getter}. */
public interface SecretGetter {

    /**
     * @param name the secret name (untrusted input)
     * @param annotations provider-specific selectors such as a version (untrusted input)
     * @return the secret value; secret: the caller must wipe it after use
     */
    byte[] getSecret(String name, Map<String, String> annotations);
}
