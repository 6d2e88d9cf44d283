package dev.sealer.kms;

/**
 * Sees every KMS call once, when it ends, on the thread that made it (for metrics and traces). Receives no
 * secret and no id: the api name, the outcome and the number of attempts the retry loop made.
 */
@FunctionalInterface
public interface KmsCallObserver {

    KmsCallObserver NONE = (api, outcome, nanos, attempts) -> {};

    /**
     * @param api the api name, e.g. {@code Decrypt}
     * @param outcome {@code success} or the error code of the failure, e.g. {@code kms_timeout}
     * @param nanos the call's duration, retries included
     * @param attempts the attempts made (0 when the call failed before its first one)
     */
    void called(String api, String outcome, long nanos, int attempts);
}
