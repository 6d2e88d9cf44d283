package dev.sealer.testsupport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** A UTC clock that moves only when a test moves it: time passes without waiting. */
public final class SteeredClock extends Clock {

    private final AtomicReference<Instant> now;

    public SteeredClock(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    /** Starts at the current time, to the second. */
    public static SteeredClock startingNow() {
        return new SteeredClock(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }

    public void advance(Duration duration) {
        now.updateAndGet(instant -> instant.plus(duration));
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
