package dev.sealer.emulator;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The emulator's fault switches: added latency and shares of throttled, failed and dropped
 * requests. Start from configuration; tests change them while the emulator runs. Thread-safe.
 */
public final class EmulatorFaults {

    /** What to do with one request. */
    enum Action {
        SERVE, THROTTLE, FAIL, DROP
    }

    private record Settings(Duration latency, double throttleRate, double errorRate, double dropRate) {
    }

    private volatile Settings settings;

    EmulatorFaults(EmulatorConfig.Faults config) {
        this(config.latency(), config.throttleRate(), config.errorRate(), config.dropRate());
    }

    public EmulatorFaults(Duration latency, double throttleRate, double errorRate, double dropRate) {
        set(latency, throttleRate, errorRate, dropRate);
    }

    /** No faults. */
    public EmulatorFaults() {
        this(Duration.ZERO, 0, 0, 0);
    }

    /** Replaces every switch at once. Rates are shares in [0, 1]. */
    public void set(Duration latency, double throttleRate, double errorRate, double dropRate) {
        settings = new Settings(latency, rate(throttleRate), rate(errorRate), rate(dropRate));
    }

    /** Turns every fault off. */
    public void clear() {
        set(Duration.ZERO, 0, 0, 0);
    }

    public Duration latency() {
        return settings.latency;
    }

    Action next() {
        Settings current = settings;
        double draw = ThreadLocalRandom.current().nextDouble();
        if (draw < current.dropRate) {
            return Action.DROP;
        }
        if (draw < current.dropRate + current.throttleRate) {
            return Action.THROTTLE;
        }
        if (draw < current.dropRate + current.throttleRate + current.errorRate) {
            return Action.FAIL;
        }
        return Action.SERVE;
    }

    private static double rate(double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException("a fault rate is a share between 0 and 1");
        }
        return value;
    }
}
