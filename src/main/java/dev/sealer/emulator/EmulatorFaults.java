package dev.sealer.emulator;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The emulator's fault switches and request counter. Faults: added latency, and shares of throttled,
 * failed and dropped requests drawn at random; or, for tests that must not depend on chance, a script
 * of exactly what the next requests get (used up first, in order). The counter tells tests how many
 * requests (attempts, retries included) each API received. Thread-safe.
 */
public final class EmulatorFaults {

    /** The name the KMS OpenAPI's {@code GetSecretValue} is counted under (the instance API's is {@code GetSecretValue}). */
    public static final String OPENAPI_GET_SECRET_VALUE = "OpenApi.GetSecretValue";
    /** The name requests to the emulator's metadata service are counted under. */
    public static final String METADATA = "Metadata";

    /** What to do with one request. */
    public enum Action {
        SERVE,
        THROTTLE,
        FAIL,
        DROP
    }

    private record Settings(Duration latency, double throttleRate, double errorRate, double dropRate) {}

    private volatile Settings settings;
    private final ConcurrentLinkedQueue<Action> script = new ConcurrentLinkedQueue<>();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();

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

    /** The next requests get exactly these actions, in order; then the rates apply again. */
    public void script(Action... actions) {
        script.addAll(List.of(actions));
    }

    /** Turns every fault off and forgets any script left. */
    public void clear() {
        script.clear();
        set(Duration.ZERO, 0, 0, 0);
    }

    public Duration latency() {
        return settings.latency;
    }

    /** Requests received for an API ({@code Encrypt}, {@code Decrypt}, ...) since the last reset. */
    public int requests(String api) {
        AtomicInteger count = requests.get(api);
        return count == null ? 0 : count.get();
    }

    /** Requests received for every API together since the last reset. */
    public int requests() {
        return requests.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    public void resetCounts() {
        requests.clear();
    }

    /**
     * Counts one request and decides what it gets.
     *
     * @param api the name it is counted under: a served API's, or {@code other} (never a name taken from a
     *     request unchecked, so that the counter stays small)
     */
    Action next(String api) {
        requests.computeIfAbsent(api, a -> new AtomicInteger()).incrementAndGet();
        Action scripted = script.poll();
        if (scripted != null) {
            return scripted;
        }
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
