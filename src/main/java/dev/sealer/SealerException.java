package dev.sealer;

import java.util.Objects;

/**
 * Root of the project's small unchecked exception tree: {@link CallerFaultException} for what the
 * caller got wrong (4xx), {@link ServiceFaultException} for what the service could not do (5xx).
 * Every failure that reaches a caller carries a stable {@link ErrorCode} and a message that says
 * what is wrong and where.
 *
 * <p>Security contract: the message is shown to callers. It never contains plaintext, data keys,
 * passwords or private keys, nor file paths or configured ids; it may name request fields. The
 * optional {@link #detail()} is for the service's log only: it may name files and ids (public, but
 * not the caller's business), never secrets.
 */
public abstract sealed class SealerException extends RuntimeException
        permits CallerFaultException, ServiceFaultException {

    private final ErrorCode errorCode;
    private final String detail;

    protected SealerException(ErrorCode errorCode, String message, String detail, Throwable cause) {
        super(message, cause);
        this.errorCode = Objects.requireNonNull(errorCode);
        this.detail = detail;
    }

    public ErrorCode errorCode() {
        return errorCode;
    }

    /** What the log may add to the message (paths, ids); null when there is nothing more to say. */
    public String detail() {
        return detail;
    }

    /** The message, and the detail when there is one: for the service's log. */
    public String logMessage() {
        return detail == null ? getMessage() : getMessage() + " (" + detail + ")";
    }
}
