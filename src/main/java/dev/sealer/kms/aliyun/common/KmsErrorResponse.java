package dev.sealer.kms.aliyun.common;

/**
 * An error answer of an Alibaba Cloud KMS API, as received: HTTP status, the KMS's error code,
 * message and request id (all public). Raised by the transport, judged by {@link AliyunKmsAnswers}
 * (retry or not, and which stable error code) and never seen above this package.
 */
public final class KmsErrorResponse extends RuntimeException {

    /** The code used when an error answer has no parsable body. */
    public static final String NO_ERROR_BODY = "(no error body)";

    private final int httpStatus;
    private final String kmsErrorCode;
    private final String kmsErrorMessage;
    private final String requestId;

    public KmsErrorResponse(int httpStatus, String kmsErrorCode, String kmsErrorMessage, String requestId) {
        super("KMS answered HTTP " + httpStatus + " " + kmsErrorCode, null, false, false);
        this.httpStatus = httpStatus;
        this.kmsErrorCode = kmsErrorCode == null || kmsErrorCode.isEmpty() ? NO_ERROR_BODY : kmsErrorCode;
        this.kmsErrorMessage = kmsErrorMessage == null ? "" : kmsErrorMessage;
        this.requestId = requestId == null ? "" : requestId;
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
