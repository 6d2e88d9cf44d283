package dev.sealer.kms;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.Predicate;

/**
 * Runs one KMS call as a bounded series of attempts: retryable failures are retried after an
 * exponential back-off ({@code initial x 2^(n-1)}, capped, with +-20 % jitter so that callers spread
 * out), at most {@code maxAttempts} attempts in all, and the whole call, back-off included, ends by
 * its deadline ({@code callTimeout} after the start): each attempt is given only the time that
 * remains, and a back-off that would pass the deadline is not waited for. So a call ends within
 * {@code callTimeout}, whatever the machine's speed.
 *
 * <p>Time is read from a {@link Ticker} and passed with a {@link Sleeper}, both injectable, so that
 * tests steer it instead of waiting.
 */
public final class RetryLoop {

    /** The bounds of one call. */
    public record Policy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration callTimeout) {
        public Policy {
            if (maxAttempts < 1
                    || initialBackoff.isNegative()
                    || maxBackoff.isNegative()
                    || callTimeout.isNegative()
                    || callTimeout.isZero()) {
                throw new IllegalArgumentException("retry policy: at least one attempt, and a positive call timeout");
            }
        }
    }

    /** One attempt, given the time that remains before the call's deadline. */
    @FunctionalInterface
    public interface Attempt<T> {
        T run(Duration remaining);
    }

    /** Waits between attempts. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(long nanos) throws InterruptedException;

        Sleeper THREAD = nanos -> Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    }

    /** The call's deadline passed before an attempt could start (or during the last one). */
    public static final class DeadlineExceeded extends RuntimeException {
        public DeadlineExceeded() {
            super("the call's deadline passed", null, false, false);
        }
    }

    private final Policy policy;
    private final Ticker ticker;
    private final Sleeper sleeper;
    private final DoubleSupplier random;

    public RetryLoop(Policy policy, Ticker ticker, Sleeper sleeper, DoubleSupplier random) {
        this.policy = policy;
        this.ticker = ticker;
        this.sleeper = sleeper;
        this.random = random;
    }

    /** Real time and real waits. */
    public RetryLoop(Policy policy) {
        this(
                policy,
                Ticker.systemTicker(),
                Sleeper.THREAD,
                () -> ThreadLocalRandom.current().nextDouble());
    }

    public Policy policy() {
        return policy;
    }

    /**
     * @return the first successful attempt's result
     * @throws RuntimeException the last attempt's failure when it is not retryable, when the attempts
     *     are used up, or when the next back-off would pass the deadline; {@link DeadlineExceeded}
     *     when no time is left for an attempt; {@link InterruptedRetry} when interrupted while waiting
     */
    public <T> T run(Attempt<T> attempt, Predicate<RuntimeException> retryable) {
        long deadline = ticker.read() + policy.callTimeout().toNanos();
        for (int number = 1; ; number++) {
            long remaining = deadline - ticker.read();
            if (remaining <= 0) {
                throw new DeadlineExceeded();
            }
            try {
                return attempt.run(Duration.ofNanos(remaining));
            } catch (RuntimeException failure) {
                long backoff = backoffNanos(number);
                if (number >= policy.maxAttempts() || !retryable.test(failure) || ticker.read() + backoff >= deadline) {
                    throw failure;
                }
                try {
                    sleeper.sleep(backoff);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedRetry(failure);
                }
            }
        }
    }

    /** The wait after attempt {@code number}: initial x 2^(number-1), capped, with +-20 % jitter. */
    long backoffNanos(int number) {
        long initial = policy.initialBackoff().toNanos();
        long exponential = initial << Math.min(number - 1, 20);
        long capped = Math.min(
                exponential < initial ? Long.MAX_VALUE : exponential,
                policy.maxBackoff().toNanos());
        return (long) (capped * (0.8 + 0.4 * random.getAsDouble()));
    }

    /** Interrupted while waiting to retry; the cause is the last attempt's failure. */
    public static final class InterruptedRetry extends RuntimeException {
        InterruptedRetry(RuntimeException last) {
            super("interrupted while waiting to retry", last);
        }
    }
}
