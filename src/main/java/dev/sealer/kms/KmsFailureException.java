package dev.sealer.kms;

import dev.sealer.ErrorCode;
import dev.sealer.ServiceFaultException;

/**
 * A KMS call failed for the service's reasons: the KMS refused the service's credentials or kept
 * throttling ({@code KMS_ERROR}, with its error code and request id), could not be reached
 * ({@code KMS_UNAVAILABLE}), did not answer in time ({@code KMS_TIMEOUT}) or answered something
 * that is not a valid answer ({@code KMS_BAD_RESPONSE}). A 5xx.
 */
public final class KmsFailureException extends ServiceFaultException implements KmsErrorAnswer {

    private final String kmsErrorCode;
    private final String kmsRequestId;

    public KmsFailureException(ErrorCode errorCode, String message, String detail, Throwable cause) {
        this(errorCode, message, null, null, detail, cause);
    }

    public KmsFailureException(
            ErrorCode errorCode,
            String message,
            String kmsErrorCode,
            String kmsRequestId,
            String detail,
            Throwable cause) {
        super(errorCode, message, detail, cause);
        this.kmsErrorCode = kmsErrorCode;
        this.kmsRequestId = kmsRequestId;
    }

    @Override
    public String kmsErrorCode() {
        return kmsErrorCode;
    }

    @Override
    public String kmsRequestId() {
        return kmsRequestId;
    }
}
