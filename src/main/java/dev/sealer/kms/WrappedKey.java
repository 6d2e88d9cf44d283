package dev.sealer.kms;

import java.util.Map;

/**
 * A data key as encrypted by a KMS, with the public annotations needed to decrypt it. Nothing here
 * is secret.
 */
public record WrappedKey(byte[] ciphertext, Map<String, String> annotations) {

    public WrappedKey {
        ciphertext = ciphertext.clone();
        annotations = Map.copyOf(annotations);
    }

    @Override
    public byte[] ciphertext() {
        return ciphertext.clone();
    }
}
