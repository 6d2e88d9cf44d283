package dev.sealer.kms;

/**
 * A failure that carries what the KMS answered, so that an operator can look the request up on the
 * KMS side. Both values are public; either may be null when the KMS gave no answer.
 */
public interface KmsErrorAnswer {

    /** The KMS's own error code, e.g. {@code Forbidden.KeyNotFound}. */
    String kmsErrorCode();

    /** The KMS's request id. */
    String kmsRequestId();
}
