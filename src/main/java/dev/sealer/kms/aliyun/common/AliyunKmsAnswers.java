package dev.sealer.kms.aliyun.common;

import dev.sealer.ErrorCode;
import dev.sealer.SealerException;
import dev.sealer.kms.KmsFailureException;
import dev.sealer.kms.KmsRefusedException;
import java.util.Map;
import java.util.Set;

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
            Map.entry("InvalidParameter.SecretName", ErrorCode.KMS_INVALID_PARAMETER),
            Map.entry("UnsupportedOperation", ErrorCode.KMS_UNSUPPORTED_OPERATION),
            Map.entry("Forbidden.KeyNotEnabled", ErrorCode.KMS_UNSUPPORTED_OPERATION),
            Map.entry("Forbidden.NoPermission", ErrorCode.KMS_PERMISSION_DENIED),
            // OpenAPI: the RAM policy of the credentials does not allow reading that secret
            Map.entry("Forbidden.RAM", ErrorCode.KMS_PERMISSION_DENIED));

    /**
     * Refusals of the service's own credentials or request signature (KMS OpenAPI and KMS-instance
     * API): {@code kms_error}, with a hint for the operator. Never retried.
     */
    private static final Map<String, String> CREDENTIAL_REFUSALS = Map.ofEntries(
            Map.entry("InvalidAccessKeyId.NotFound", "the AccessKeyId is unknown"),
            Map.entry("InvalidAccessKeyId.Inactive", "the AccessKeyId is disabled"),
            Map.entry("SignatureDoesNotMatch", "the request signature does not match (wrong AccessKeySecret)"),
            Map.entry("IncompleteSignature", "the request signature is incomplete"),
            Map.entry("InvalidSecurityToken.Expired", "the STS SecurityToken has expired"),
            Map.entry("InvalidSecurityToken.Malformed", "the STS SecurityToken is malformed"),
            Map.entry(
                    "InvalidSecurityToken.MismatchWithAccessKey",
                    "the STS SecurityToken does not belong to the AccessKeyId"),
            Map.entry("MissingSecurityToken", "the STS SecurityToken is missing"),
            Map.entry("InvalidTimeStamp.Expired", "the request time is too far from the KMS's clock"),
            Map.entry("InvalidTimeStamp.Format", "the request time is not in the expected format"),
            Map.entry("SignatureNonceUsed", "the request nonce was used before"),
            Map.entry("Unauthorized", "the client key is unknown"),
            Map.entry("SignatureNotMatch", "the request signature does not match the client key"),
            Map.entry("RequestTimeTooSkewed", "the request time is too far from the KMS's clock"));

    /** Answers that may heal by themselves (besides any 5xx and 429). */
    private static final Set<String> RETRYABLE = Set.of(
            "Rejected.Throttling",
            "Throttling",
            "Throttling.User",
            "Throttling.Api",
            "ServiceUnavailableTemporary",
            "ServiceUnavailable",
            "InternalFailure",
            "InternalError");

    private AliyunKmsAnswers() {}

    /** Throttling and server faults may heal by themselves; nothing else does. */
    public static boolean isRetryable(KmsErrorResponse answer) {
        return answer.httpStatus() >= 500 || answer.httpStatus() == 429 || RETRYABLE.contains(answer.kmsErrorCode());
    }

    /**
     * @param api the API name, e.g. {@code Decrypt}
     * @param where the endpoint, for the log detail only
     */
    public static SealerException toException(String api, KmsErrorResponse answer, String where) {
        String detail = "KMS " + api + " at " + where + " answered HTTP " + answer.httpStatus() + " "
                + answer.kmsErrorCode() + (answer.kmsErrorMessage().isEmpty() ? "" : ": " + answer.kmsErrorMessage());
        ErrorCode callerFault = CALLER_FAULTS.get(answer.kmsErrorCode());
        if (callerFault != null && answer.httpStatus() < 500) {
            return new KmsRefusedException(
                    callerFault,
                    "the KMS refused " + api + ": " + answer.kmsErrorCode() + " (" + describe(callerFault) + ")",
                    answer.kmsErrorCode(),
                    answer.requestId(),
                    detail);
        }
        String hint = CREDENTIAL_REFUSALS.get(answer.kmsErrorCode());
        return new KmsFailureException(
                ErrorCode.KMS_ERROR,
                "the KMS refused " + api + ": " + answer.kmsErrorCode() + (hint == null ? "" : " (" + hint + ")"),
                answer.kmsErrorCode(),
                answer.requestId(),
                detail,
                null);
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
