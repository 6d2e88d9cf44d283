package dev.sealer;

/**
 * Root of the project's small unchecked exception tree. Every failure that reaches a caller carries
 * a stable {@link ErrorCode} and a message that says what is wrong and where.
 *
 * <p>Security contract: messages never contain plaintext, data keys, passwords or private keys;
 * they may name fields, files and identifiers (which are public).
 */
public class SealerException extends RuntimeException {

    private final ErrorCode errorCode;

    public SealerException(ErrorCode errorCode, String message) {
        this(errorCode, message, null);
    }

    public SealerException(ErrorCode errorCode, String message, Throwable cause) {
        super(message, cause);
        this.errorCode = errorCode;
    }

    public ErrorCode errorCode() {
        return errorCode;
    }
}
