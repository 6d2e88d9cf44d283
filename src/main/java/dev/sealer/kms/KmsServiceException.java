package dev.sealer.kms;

import dev.sealer.ErrorCode;

/**
 * The KMS answered with an error. Carries what the KMS said: its HTTP status, its error code (e.g.
 * {@code Forbidden.KeyNotFound}), its message and its request id, so that an operator can look the
 * request up on the KMS side. None of these is secret.
 */
public class KmsServiceException extends KmsException {

    private final int httpStatus;
    private final String kmsErrorCode;
    private final String kmsErrorMessage;
    private final String requestId;

    public KmsServiceException(int httpStatus, String kmsErrorCode, String kmsErrorMessage, String requestId) {
        super(ErrorCode.KMS_ERROR, "KMS answered HTTP " + httpStatus + " " + kmsErrorCode
                + (kmsErrorMessage == null || kmsErrorMessage.isEmpty() ? "" : ": " + kmsErrorMessage)
                + " (RequestId " + requestId + ")", null);
        this.httpStatus = httpStatus;
        this.kmsErrorCode = kmsErrorCode;
        this.kmsErrorMessage = kmsErrorMessage;
        this.requestId = requestId;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public String kmsErrorCode() {
        return kmsErrorCode;
    }

    public String kmsErrorMessage() {
        return kmsErrorMessage;
    }

    public String requestId() {
        return requestId;
    }
}
