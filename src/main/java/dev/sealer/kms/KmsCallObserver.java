package dev.sealer.kms;

/** Sees every KMS call once, when it ends (for metrics). Receives no secret and no id. */
@FunctionalInterface
public interface KmsCallObserver {

    KmsCallObserver NONE = (api, outcome, nanos) -> {};

    /**
     * @param api the api name, e.g. {@code Decrypt}
     * @param outcome {@code success} or the error code of the failure, e.g. {@code kms_timeout}
     * @param nanos the call's duration, retries included
     */
    void called(String api, String outcome, long nanos);
}
