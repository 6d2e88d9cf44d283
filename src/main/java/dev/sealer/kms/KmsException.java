package dev.sealer.kms;

import dev.sealer.ErrorCode;
import dev.sealer.SealerException;

/**
 * A KMS call failed without an error answer from the KMS: it could not be reached
 * ({@code KMS_UNAVAILABLE}), did not answer in time ({@code KMS_TIMEOUT}) or answered something
 * that is not a valid answer ({@code KMS_BAD_RESPONSE}). See {@link KmsServiceException} for
 * error answers.
 */
public class KmsException extends SealerException {

    public KmsException(ErrorCode errorCode, String message, Throwable cause) {
        super(errorCode, message, cause);
    }
}
