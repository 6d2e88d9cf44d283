package dev.sealer.kms;

import dev.sealer.CallerFaultException;
import dev.sealer.ErrorCode;

/**
 * The KMS refused because of what the request (or the sealed secret) asked: an unknown key or
 * secret, a parameter it rejects, an operation the key or the client key's policy does not allow.
 * A 4xx: retrying the same request cannot succeed. Carries the KMS's error code and request id.
 */
public final class KmsRefusedException extends CallerFaultException implements KmsErrorAnswer {

    private final String kmsErrorCode;
    private final String kmsRequestId;

    public KmsRefusedException(
            ErrorCode errorCode, String message, String kmsErrorCode, String kmsRequestId, String detail) {
        super(errorCode, message, detail, null);
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
