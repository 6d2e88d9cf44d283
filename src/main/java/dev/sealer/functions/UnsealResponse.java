package dev.sealer.functions;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Output of {@code unseal}. Over plain HTTP and Function Compute: the secret as std base64, and as text
 * when its bytes are valid UTF-8 (secret). Over CloudEvents: only {@code jwe}, the secret's bytes
 * encrypted to the configured recipient ({@link EventAnswers}); no plaintext.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UnsealResponse(String plaintext, String text, String jwe) {

    public UnsealResponse(String plaintext, String text) {
        this(plaintext, text, null);
    }

    /** The answer of an unseal over CloudEvents: the JWE only. */
    public static UnsealResponse encrypted(String jwe) {
        return new UnsealResponse(null, null, jwe);
    }

    @Override
    public String toString() {
        return "UnsealResponse[<redacted>]";
    }
}
