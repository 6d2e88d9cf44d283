package dev.sealer.functions.runtime;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.TimeUnit;

/**
 * Micrometer timers (with counts) for the functions and for every KMS call, by outcome
 * ({@code success} or the stable error code). Tags carry only function, api and outcome: never a
 * secret, a key or client key id, or anything from a sealed secret.
 */
@ApplicationScoped
public class SealerMetrics {

    public static final String OPERATIONS = "sealer.operations";
    public static final String KMS_CALLS = "sealer.kms.calls";

    @Inject
    MeterRegistry registry;

    /** Records one KMS call, retries included. */
    public void kmsCall(String api, String outcome, long nanos) {
        Timer.builder(KMS_CALLS)
                .description("KMS calls, retries included")
                .tag("api", api)
                .tag("outcome", outcome)
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Records one function call that ended with this outcome. */
    public void functionCall(String function, String outcome, long nanos) {
        Timer.builder(OPERATIONS)
                .description("seal and unseal calls")
                .tag("function", function)
                .tag("outcome", outcome)
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }
}
