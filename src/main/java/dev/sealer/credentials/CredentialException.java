package dev.sealer.credentials;

import dev.sealer.ErrorCode;
import dev.sealer.SealerException;

/**
 * Credential files are missing or unusable. The {@link Reason} tells which, the message names the
 * file; neither ever contains a password or key material.
 */
public class CredentialException extends SealerException {

    /** Why the credentials cannot be used. */
    public enum Reason {
        /** A file does not exist or cannot be read. */
        MISSING(ErrorCode.CREDENTIALS_NOT_FOUND),
        /** The password does not open the client key's PKCS#12. */
        WRONG_PASSWORD(ErrorCode.CREDENTIALS_INVALID),
        /** A file exists but its content is not what it must be (truncated, not JSON, no key, no certificate). */
        CORRUPT(ErrorCode.CREDENTIALS_INVALID);

        private final ErrorCode errorCode;

        Reason(ErrorCode errorCode) {
            this.errorCode = errorCode;
        }
    }

    private final Reason reason;

    public CredentialException(Reason reason, String message) {
        this(reason, message, null);
    }

    public CredentialException(Reason reason, String message, Throwable cause) {
        super(reason.errorCode, message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
