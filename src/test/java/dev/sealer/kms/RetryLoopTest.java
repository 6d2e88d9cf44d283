package dev.sealer.kms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The retry loop's caps on a steered clock: attempts take and back-offs pass exactly the time the
 * test says, so the bounds are checked to the nanosecond and no test waits.
 */
class RetryLoopTest {

    private static final class Retryable extends RuntimeException {
        Retryable() {
            super("retry me", null, false, false);
        }
    }

    private static final class Fatal extends RuntimeException {
        Fatal() {
            super("do not retry", null, false, false);
        }
    }

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final Ticker ticker = now::get;
    private final List<Long> sleeps = new ArrayList<>();
    private final RetryLoop.Sleeper sleeper = nanos -> {
        sleeps.add(nanos);
        now.addAndGet(nanos);
    };

    private RetryLoop loop(int attempts, long initialMs, long maxMs, long callTimeoutMs) {
        return new RetryLoop(
                new RetryLoop.Policy(
                        attempts,
                        Duration.ofMillis(initialMs),
                        Duration.ofMillis(maxMs),
                        Duration.ofMillis(callTimeoutMs)),
                ticker,
                sleeper,
                () -> 0.5);
    }

    /** An attempt that takes {@code millis} of the steered clock and then fails. */
    private RetryLoop.Attempt<String> failingAfter(
            long millis, RuntimeException failure, List<Duration> remainingSeen) {
        return remaining -> {
            remainingSeen.add(remaining);
            now.addAndGet(Duration.ofMillis(millis).toNanos());
            throw failure;
        };
    }

    @Test
    void success_atFirstAttempt_neitherWaitsNorRetries() {
        AtomicInteger attempts = new AtomicInteger();

        String result = loop(3, 200, 2000, 30_000).run(remaining -> "ok-" + attempts.incrementAndGet(), e -> true);

        assertThat(result).isEqualTo("ok-1");
        assertThat(sleeps).isEmpty();
    }

    @Test
    void retryableFailures_areRetriedUpToMaxAttempts_withExponentialBackoff() {
        List<Duration> remaining = new ArrayList<>();

        assertThatThrownBy(() -> loop(4, 200, 2000, 30_000)
                        .run(failingAfter(10, new Retryable(), remaining), e -> e instanceof Retryable))
                .isInstanceOf(Retryable.class);

        assertThat(remaining).hasSize(4);
        assertThat(sleeps).containsExactly(ms(200), ms(400), ms(800)); // jitter 0.5 = exactly the nominal wait
    }

    @Test
    void backoff_isCappedAtMaxBackoff() {
        List<Duration> remaining = new ArrayList<>();

        assertThatThrownBy(() -> loop(6, 200, 500, 60_000).run(failingAfter(1, new Retryable(), remaining), e -> true))
                .isInstanceOf(Retryable.class);

        assertThat(sleeps).containsExactly(ms(200), ms(400), ms(500), ms(500), ms(500));
    }

    @Test
    void jitter_staysWithinTwentyPercent() {
        RetryLoop low = new RetryLoop(
                new RetryLoop.Policy(3, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(5)),
                ticker,
                sleeper,
                () -> 0.0);
        RetryLoop high = new RetryLoop(
                new RetryLoop.Policy(3, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(5)),
                ticker,
                sleeper,
                () -> 0.999_999);

        assertThat(low.backoffNanos(1)).isEqualTo(ms(80));
        assertThat(high.backoffNanos(1)).isBetween(ms(119), ms(120));
    }

    @Test
    void nonRetryableFailure_failsAtOnce() {
        List<Duration> remaining = new ArrayList<>();

        assertThatThrownBy(() -> loop(5, 200, 2000, 30_000)
                        .run(failingAfter(10, new Fatal(), remaining), e -> e instanceof Retryable))
                .isInstanceOf(Fatal.class);

        assertThat(remaining).hasSize(1);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void eachAttempt_isGivenOnlyTheTimeLeftBeforeTheDeadline() {
        List<Duration> remaining = new ArrayList<>();

        assertThatThrownBy(() -> loop(3, 100, 100, 1000).run(failingAfter(300, new Retryable(), remaining), e -> true))
                .isInstanceOf(Retryable.class);

        // 1000 at first; then 1000 - 300 - 100 = 600; then 600 - 300 - 100 = 200
        assertThat(remaining).containsExactly(Duration.ofMillis(1000), Duration.ofMillis(600), Duration.ofMillis(200));
    }

    @Test
    void backoffThatWouldPassTheDeadline_isNotWaited_theCallEndsWithinItsTimeout() {
        long start = now.get();
        List<Duration> remaining = new ArrayList<>();

        assertThatThrownBy(() -> loop(10, 400, 400, 1000).run(failingAfter(350, new Retryable(), remaining), e -> true))
                .isInstanceOf(Retryable.class);

        // attempt (350) + wait (400) + attempt: the second wait would end past the deadline, so it is not waited
        assertThat(remaining).hasSize(2);
        assertThat(sleeps).containsExactly(ms(400));
        assertThat(now.get() - start).isLessThanOrEqualTo(ms(1000) + ms(350));
    }

    @Test
    void attemptThatUsesUpTheDeadline_endsTheCall_evenWithAttemptsLeft() {
        List<Duration> remaining = new ArrayList<>();

        assertThatThrownBy(() -> loop(10, 10, 10, 1000).run(failingAfter(1000, new Retryable(), remaining), e -> true))
                .isInstanceOf(Retryable.class);

        assertThat(remaining).hasSize(1);
    }

    @Test
    void waitThatOversleepsTheDeadline_endsTheCallWithDeadlineExceeded() {
        RetryLoop loop = new RetryLoop(
                new RetryLoop.Policy(3, Duration.ofMillis(10), Duration.ofMillis(10), Duration.ofMillis(100)),
                ticker,
                nanos -> now.addAndGet(nanos * 3),
                () -> 0.5); // a machine that wakes up late
        List<Duration> remaining = new ArrayList<>();

        assertThatThrownBy(() -> loop.run(failingAfter(80, new Retryable(), remaining), e -> true))
                .isInstanceOf(RetryLoop.DeadlineExceeded.class);
        assertThat(remaining).hasSize(1);
    }

    @Test
    void interruptedWhileWaiting_endsWithTheLastFailureAsCause() {
        RetryLoop loop = new RetryLoop(
                new RetryLoop.Policy(3, Duration.ofMillis(10), Duration.ofMillis(10), Duration.ofSeconds(1)),
                ticker,
                nanos -> {
                    throw new InterruptedException();
                },
                () -> 0.5);

        assertThatThrownBy(() -> loop.run(failingAfter(1, new Retryable(), new ArrayList<>()), e -> true))
                .isInstanceOf(RetryLoop.InterruptedRetry.class)
                .hasCauseInstanceOf(Retryable.class);
        assertThat(Thread.interrupted()).isTrue();
    }

    private static long ms(long millis) {
        return Duration.ofMillis(millis).toNanos();
    }
}
