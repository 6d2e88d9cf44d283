package dev.sealer.kms.aliyun.common;

import dev.sealer.ErrorCode;
import dev.sealer.SealerException;
import dev.sealer.kms.KmsCallObserver;
import dev.sealer.kms.RetryLoop;
import io.smallrye.mutiny.Uni;
import java.net.URI;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * One Alibaba KMS call, the way every client of either API makes it, written once: timed, run as a bounded
 * series of attempts ({@link RetryLoop}: throttling, 5xx answers and connection failures retried, the whole call
 * bounded in time), its failure translated to a stable error code ({@link KmsTransportFailures}), and its
 * outcome, duration and attempts reported to the {@link KmsCallObserver}. Nothing secret passes through here
 * but the answer, which is returned as it is.
 */
public final class KmsCalls {

    private final URI endpoint;
    private final RetryLoop retries;
    private final KmsCallObserver observer;
    private final Predicate<Throwable> badAnswer;
    private final String answerKind;

    /**
     * @param badAnswer recognises a body that does not parse as the expected answer
     * @param answerKind what an answer is, for messages (e.g. "protobuf message")
     */
    public KmsCalls(
            URI endpoint,
            RetryLoop retries,
            KmsCallObserver observer,
            Predicate<Throwable> badAnswer,
            String answerKind) {
        this.endpoint = endpoint;
        this.retries = retries;
        this.observer = observer;
        this.badAnswer = badAnswer;
        this.answerKind = answerKind;
    }

    /** Runs {@code attempt} (a fresh request each time) and returns its answer. */
    public <T> T call(String apiName, Supplier<Uni<? extends T>> attempt) {
        return call(apiName, () -> attempt, Function.identity());
    }

    /**
     * @param prepare runs once, inside the call's time and report (e.g. fetching credentials), and gives the
     *     attempt to repeat
     * @param check judges the answer, inside the call's report (a {@link SealerException} it throws is the
     *     call's outcome)
     */
    public <T, R> R call(
            String apiName, Supplier<Supplier<Uni<? extends T>>> prepare, Function<? super T, ? extends R> check) {
        long start = System.nanoTime();
        String outcome = ErrorCode.INTERNAL_ERROR.code();
        int[] attempts = {0};
        try {
            Supplier<Uni<? extends T>> attempt = prepare.get();
            T answer = retries.run(
                    remaining -> {
                        attempts[0]++;
                        return attempt.get().await().atMost(remaining);
                    },
                    this::isRetryable);
            R result = check.apply(answer);
            outcome = "success";
            return result;
        } catch (RuntimeException e) {
            SealerException translated = e instanceof SealerException sealer
                    ? sealer
                    : KmsTransportFailures.translate(
                            apiName, e, endpoint, retries.policy().callTimeout(), badAnswer, answerKind);
            outcome = translated.errorCode().code();
            throw translated;
        } finally {
            observer.called(apiName, outcome, System.nanoTime() - start, attempts[0]);
        }
    }

    /** Whether a failed attempt is worth another. */
    public boolean isRetryable(RuntimeException failure) {
        return KmsTransportFailures.isRetryable(failure, badAnswer);
    }
}
