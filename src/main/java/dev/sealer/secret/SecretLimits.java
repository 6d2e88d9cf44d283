package dev.sealer.secret;

import dev.sealer.CallerFaultException;
import dev.sealer.ErrorCode;
import dev.sealer.StrictBase64;

/**
 * The size limit on secrets ({@code sealer.max-secret-bytes}), checked in one place with one message,
 * and what it implies for the encodings that carry a secret: its base64 (checked before decoding) and
 * the longest sealed secret that can hold it.
 */
public record SecretLimits(int maxSecretBytes) {

    public SecretLimits {
        if (maxSecretBytes < 1) {
            throw new IllegalArgumentException("the secret size limit must be positive");
        }
    }

    /** @throws CallerFaultException {@code PAYLOAD_TOO_LARGE} when a secret of {@code bytes} bytes is too large */
    public void check(long bytes) {
        if (bytes > maxSecretBytes) {
            throw new CallerFaultException(
                    ErrorCode.PAYLOAD_TOO_LARGE, "the secret exceeds the limit of " + maxSecretBytes + " bytes");
        }
    }

    /** Checks the length of a secret's standard base64 before it is decoded. */
    public void checkBase64(int base64Length) {
        if (base64Length > StrictBase64.standardLength(maxSecretBytes)) {
            check(Long.MAX_VALUE);
        }
    }

    /** Checks the length of a secret's UTF-8 text before it is encoded (each character is at least one byte). */
    public void checkText(int characters) {
        check(characters);
    }

    /**
     * An upper bound on the characters of a sealed secret that holds {@code secretBytes}: the data's base64
     * (with the GCM tag) and room for the other payload fields (2 KiB: ids, encrypted data key, IVs) and
     * the protected header (1 KiB), as b64url, with the {@code sealed.} prefix and the signature. What an
     * answer carrying it holds, estimated before it is made.
     */
    public static long sealedChars(long secretBytes) {
        long payloadBytes = StrictBase64.standardLength(secretBytes + 16) + 2048;
        return "sealed.".length() + (payloadBytes + 1024) * 4 / 3 + 3 + 86;
    }

    /** The longest sealed secret that can hold a secret of the maximum size, plus room for the other fields. */
    public long maxSealedChars() {
        long payloadBytes = StrictBase64.standardLength(maxSecretBytes + 16L) + 16 * 1024;
        return "sealed.".length() + (payloadBytes * 4 + 2) / 3 + 4 * 1024;
    }
}
