package dev.sealer.functions.runtime;

import dev.sealer.kms.KmsCallObserver;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The {@link KmsCallObserver} the providers report to: each KMS call becomes a metric ({@link SealerMetrics})
 * and, when tracing is on, a span ({@link Tracing}). Sees no secret and no id.
 */
@ApplicationScoped
public class KmsCallTelemetry implements KmsCallObserver {

    @Inject
    SealerMetrics metrics;

    @Inject
    Tracing tracing;

    @Override
    public void called(String api, String outcome, long nanos, int attempts) {
        metrics.kmsCall(api, outcome, nanos);
        tracing.kmsCall(api, outcome, nanos, attempts);
    }
}
