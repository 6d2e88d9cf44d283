package dev.sealer.kms.aliyun;

import dev.sealer.ErrorCode;
import dev.sealer.SealerException;
import dev.sealer.kms.KmsFailureException;
import dev.sealer.kms.KmsRefusedException;
import java.util.Map;

/**
 * The one place that judges Alibaba Cloud KMS error answers (of the KMS-instance API and of the KMS
 * OpenAPI alike): which are worth retrying, and which stable error code each becomes.
 *
 * <p>Refusals caused by the request (an unknown key, alias or secret, a parameter the KMS rejects,
 * an operation the key or the client key's policy does not allow) are the caller's fault: 4xx, with
 * their own codes. Everything else (the service's credentials or signature refused, throttling that
 * outlasted the retries, server faults) is {@code kms_error}, a 502. Both keep the KMS's error code
 * and request id. Alibaba's guidance: retry only 5xx and throttling, never credential, permission or
 * parameter errors.
 */
public final class AliyunKmsAnswers {

    private static final Map<String, ErrorCode> CALLER_FAULTS = Map.ofEntries(
            Map.entry("Forbidden.KeyNotFound", ErrorCode.KMS_KEY_NOT_FOUND),
            Map.entry("Forbidden.AliasNotFound", ErrorCode.KMS_KEY_NOT_FOUND),
            Map.entry("NotFound.Key", ErrorCode.KMS_KEY_NOT_FOUND),
            Map.entry("Forbidden.ResourceNotFound", ErrorCode.KMS_SECRET_NOT_FOUND),
            Map.entry("Forbidden.SecretNotFound", ErrorCode.KMS_SECRET_NOT_FOUND),
            Map.entry("InvalidParameter", ErrorCode.KMS_INVALID_PARAMETER),
            Map.entry("InvalidParameter.KeyId", ErrorCode.KMS_INVALID_PARAMETER),
            Map.entry("UnsupportedOperation", ErrorCode.KMS_UNSUPPORTED_OPERATION),
            Map.entry("Forbidden.KeyNotEnabled", ErrorCode.KMS_UNSUPPORTED_OPERATION),
            Map.entry("Forbidden.NoPermission", ErrorCode.KMS_PERMISSION_DENIED));

    private static final String THROTTLING = "Rejected.Throttling";

    private AliyunKmsAnswers() {
    }

    /** Throttling and server faults may heal by themselves; nothing else does. */
    public static boolean isRetryable(KmsErrorResponse answer) {
        return answer.httpStatus() >= 500 || answer.httpStatus() == 429 || THROTTLING.equals(answer.kmsErrorCode())
                || "Throttling".equals(answer.kmsErrorCode()) || "ServiceUnavailableTemporary".equals(answer.kmsErrorCode());
    }

    /**
     * @param api the API name, e.g. {@code Decrypt}
     * @param where the endpoint, for the log detail only
     */
    public static SealerException toException(String api, KmsErrorResponse answer, String where) {
        String detail = "KMS " + api + " at " + where + " answered HTTP " + answer.httpStatus() + " " + answer.kmsErrorCode()
                + (answer.kmsErrorMessage().isEmpty() ? "" : ": " + answer.kmsErrorMessage());
        ErrorCode callerFault = CALLER_FAULTS.get(answer.kmsErrorCode());
        if (callerFault != null && answer.httpStatus() < 500) {
            return new KmsRefusedException(callerFault, "the KMS refused " + api + ": " + answer.kmsErrorCode()
                    + " (" + describe(callerFault) + ")", answer.kmsErrorCode(), answer.requestId(), detail);
        }
        return new KmsFailureException(ErrorCode.KMS_ERROR, "the KMS refused " + api + ": " + answer.kmsErrorCode(),
                answer.kmsErrorCode(), answer.requestId(), detail, null);
    }

    private static String describe(ErrorCode code) {
        return switch (code) {
            case KMS_KEY_NOT_FOUND -> "no such key or alias";
            case KMS_SECRET_NOT_FOUND -> "no such secret or version";
            case KMS_INVALID_PARAMETER -> "a value of the request is not acceptable to the KMS";
            case KMS_UNSUPPORTED_OPERATION -> "the key does not allow this operation";
            case KMS_PERMISSION_DENIED -> "the client key's policy does not allow this operation with that key";
            default -> code.code();
        };
    }
}
