package dev.sealer.functions;

import dev.sealer.CallerFaultException;
import dev.sealer.StrictBase64;
import dev.sealer.secret.SecretLimits;
import java.nio.charset.StandardCharsets;

/**
 * One secret as a seal request holds it: exactly one of {@code plaintext} (std base64) and {@code text} (UTF-8).
 * Secret: never shown ({@link #toString()} says nothing of it).
 *
 * @param name its name in a batch (for messages), or null for a single secret
 */
record SecretInput(String name, String plaintext, String text) {

    /**
     * The secret bytes, size-checked before decoding; a failure in a batch names the secret (never its value).
     *
     * @return a fresh array; the caller wipes it
     */
    byte[] bytes(SecretLimits limits) {
        try {
            if ((plaintext == null) == (text == null)) {
                throw SealCommand.invalid("exactly one of 'plaintext' (std base64) and 'text' (UTF-8) is required");
            }
            if (plaintext != null) {
                limits.checkBase64(plaintext.length());
                return StrictBase64.decodeStandard("plaintext", plaintext);
            }
            limits.checkText(text.length());
            return text.getBytes(StandardCharsets.UTF_8);
        } catch (CallerFaultException e) {
            if (name == null) {
                throw e;
            }
            throw new CallerFaultException(e.errorCode(), "secret '" + name + "': " + e.getMessage(), e.detail(), e);
        }
    }

    @Override
    public String toString() {
        return "SecretInput[" + (name == null ? "" : name + ", ") + "<redacted>]";
    }
}
