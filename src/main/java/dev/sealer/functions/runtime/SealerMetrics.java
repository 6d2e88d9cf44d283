package dev.sealer.functions.runtime;

import dev.sealer.ErrorCode;
import dev.sealer.SealerException;
import dev.sealer.kms.KmsCallObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Micrometer timers (with counts) for the functions and for every KMS call, by outcome
 * ({@code success} or the stable error code). Tags carry only function, api and outcome: never a
 * secret, a key or client key id, or anything from a sealed secret.
 */
@ApplicationScoped
public class SealerMetrics implements KmsCallObserver {

    public static final String OPERATIONS = "sealer.operations";
    public static final String KMS_CALLS = "sealer.kms.calls";

    @Inject
    MeterRegistry registry;

    @Override
    public void called(String api, String outcome, long nanos) {
        Timer.builder(KMS_CALLS)
                .description("KMS calls, retries included")
                .tag("api", api)
                .tag("outcome", outcome)
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Runs one function call and records its duration and outcome. */
    public <T> T timed(String function, Supplier<T> call) {
        long start = System.nanoTime();
        String outcome = ErrorCode.INTERNAL_ERROR.code();
        try {
            T result = call.get();
            outcome = "success";
            return result;
        } catch (SealerException e) {
            outcome = e.errorCode().code();
            throw e;
        } finally {
            Timer.builder(OPERATIONS)
                    .description("seal and unseal calls")
                    .tag("function", function)
                    .tag("outcome", outcome)
                    .register(registry)
                    .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }
}
