package dev.sealer.functions.runtime;

import dev.sealer.ErrorCode;
import dev.sealer.ServiceFaultException;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The spans this service makes, through Quarkus's OpenTelemetry SDK: one per function call ({@link
 * #function}, kind SERVER, named after the function) and one per KMS call ({@link #kmsCall}, kind CLIENT,
 * {@code KMS <api>}, a child of the function's span). A function's span continues the caller's trace: the W3C
 * {@code traceparent}/{@code tracestate} of the request (what Knative Eventing's dispatcher and HTTP callers
 * send), else the CloudEvent's own {@code traceparent} extension.
 *
 * <p>Attributes are only these, all from fixed vocabularies: {@code sealer.function}, {@code
 * sealer.entry_point}, {@code sealer.outcome} ({@code success} or a stable error code); {@code sealer.kms.api},
 * {@code sealer.kms.outcome}, {@code sealer.kms.attempts}. Never an id (key, client key, instance, kid, secret
 * name, request id), a path, a host name or a secret. Vert.x's automatic HTTP spans, which would carry the KMS
 * instance's host name and request paths, must stay off ({@code quarkus.otel.instrument.vertx-http=false}, the
 * default here): the start fails otherwise while tracing is on.
 *
 * <p>Off ({@code quarkus.otel.sdk.disabled=true}, the default) nothing here runs but one boolean test per call:
 * no span, no context lookup, no propagation.
 */
@ApplicationScoped
public class Tracing {

    public static final String INSTRUMENTATION_SCOPE = "dev.sealer";
    public static final AttributeKey<String> FUNCTION = AttributeKey.stringKey("sealer.function");
    public static final AttributeKey<String> ENTRY_POINT = AttributeKey.stringKey("sealer.entry_point");
    public static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("sealer.outcome");
    public static final AttributeKey<String> KMS_API = AttributeKey.stringKey("sealer.kms.api");
    public static final AttributeKey<String> KMS_OUTCOME = AttributeKey.stringKey("sealer.kms.outcome");
    public static final AttributeKey<Long> KMS_ATTEMPTS = AttributeKey.longKey("sealer.kms.attempts");

    /** A span in progress; {@link #NONE} when tracing is off. */
    public interface FunctionSpan {
        FunctionSpan NONE = outcome -> {};

        /** Ends the span with the call's outcome (and leaves its context). */
        void end(String outcome);
    }

    @Inject
    Instance<OpenTelemetry> openTelemetry;

    @ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "false")
    boolean sdkDisabled;

    @ConfigProperty(name = "quarkus.otel.instrument.vertx-http", defaultValue = "true")
    boolean vertxHttpSpans;

    private volatile Tracer tracer;
    private TextMapPropagator propagator;

    void onStart(@Observes @Priority(1) StartupEvent event) {
        if (sdkDisabled) {
            return;
        }
        if (vertxHttpSpans) {
            throw new ServiceFaultException(
                    ErrorCode.NOT_CONFIGURED,
                    "quarkus.otel.instrument.vertx-http=true with tracing on: Vert.x's HTTP spans carry host names "
                            + "(the KMS instance id) and request paths; leave it false (this service makes its own spans)");
        }
        OpenTelemetry otel = openTelemetry.get();
        propagator = otel.getPropagators().getTextMapPropagator();
        tracer = otel.getTracer(INSTRUMENTATION_SCOPE);
    }

    /** True when spans are made (the SDK is on). */
    public boolean enabled() {
        return tracer != null;
    }

    /**
     * Starts a function call's span and makes it current on this thread until {@link FunctionSpan#end}.
     *
     * @param traceHeader the caller's trace context by header name ({@code traceparent}, {@code tracestate}),
     *     null where there is none
     */
    public FunctionSpan function(String function, String entryPoint, UnaryOperator<String> traceHeader) {
        Tracer current = tracer;
        if (current == null) {
            return FunctionSpan.NONE;
        }
        Context parent = propagator.extract(Context.root(), traceHeader, HEADERS);
        Span span = current.spanBuilder(function)
                .setParent(parent)
                .setSpanKind(SpanKind.SERVER)
                .setAttribute(FUNCTION, function)
                .setAttribute(ENTRY_POINT, entryPoint)
                .startSpan();
        Scope scope = span.makeCurrent();
        return outcome -> {
            try {
                span.setAttribute(OUTCOME, outcome);
                if (!"success".equals(outcome)) {
                    span.setStatus(StatusCode.ERROR, outcome);
                }
                span.end();
            } finally {
                scope.close();
            }
        };
    }

    /**
     * Records a KMS call that has just ended on this thread, as a child of the current span (the function's);
     * a call made outside any function (the warm-up's connection probe) is a root span.
     */
    public void kmsCall(String api, String outcome, long nanos, int attempts) {
        Tracer current = tracer;
        if (current == null) {
            return;
        }
        Instant end = Instant.now();
        long endNanos = TimeUnit.SECONDS.toNanos(end.getEpochSecond()) + end.getNano();
        Span span = current.spanBuilder("KMS " + api)
                .setSpanKind(SpanKind.CLIENT)
                .setStartTimestamp(endNanos - nanos, TimeUnit.NANOSECONDS)
                .setAttribute(KMS_API, api)
                .setAttribute(KMS_OUTCOME, outcome)
                .setAttribute(KMS_ATTEMPTS, (long) attempts)
                .startSpan();
        if (!"success".equals(outcome)) {
            span.setStatus(StatusCode.ERROR, outcome);
        }
        span.end(endNanos, TimeUnit.NANOSECONDS);
    }

    /** Reads trace headers from the lookup an entry point hands over. */
    private static final TextMapGetter<UnaryOperator<String>> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(UnaryOperator<String> carrier) {
            return List.of("traceparent", "tracestate");
        }

        @Override
        public String get(UnaryOperator<String> carrier, String key) {
            return carrier == null ? null : carrier.apply(key);
        }
    };
}
