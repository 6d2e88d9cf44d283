package dev.sealer.functions;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Output of {@code unseal}: the secret as std base64, and as text when its bytes are valid UTF-8.
 * Secret.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UnsealResponse(String plaintext, String text) {

    @Override
    public String toString() {
        return "UnsealResponse[<redacted>]";
    }
}
