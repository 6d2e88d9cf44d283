package dev.sealer.functions;

import io.quarkus.funqy.knative.events.CloudEvent;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * One call of a function, as its entry point saw it: by which entry point it came, who called ({@link
 * Caller}, attached to the request when it was authenticated), for a CloudEvent the event's id, and where
 * the caller's trace context is ({@code traceparent}, {@code tracestate}: the request's headers, else a
 * CloudEvent's distributed-tracing extension). Built by the adapters (Funqy's bindings, Function Compute,
 * the loopback listener).
 *
 * @param eventId the CloudEvent's id; null for other entry points
 * @param traceHeader the caller's trace context by header name; returns null where there is none
 */
public record Invocation(EntryPoint entryPoint, Caller caller, String eventId, UnaryOperator<String> traceHeader) {

    public static Invocation http(RoutingContext request) {
        return new Invocation(EntryPoint.HTTP, Caller.of(request), null, headers(request, null));
    }

    public static Invocation cloudEvent(RoutingContext request, CloudEvent<?> event) {
        return new Invocation(
                EntryPoint.CLOUD_EVENT, Caller.of(request), event.id(), headers(request, event.extensions()));
    }

    public static Invocation functionCompute(RoutingContext request) {
        return new Invocation(EntryPoint.FUNCTION_COMPUTE, Caller.of(request), null, headers(request, null));
    }

    public static Invocation loopback(RoutingContext request) {
        return new Invocation(EntryPoint.LOOPBACK, Caller.LOOPBACK_TOKEN, null, headers(request, null));
    }

    /** The request's header, else the CloudEvent's extension of that name (structured mode carries it there). */
    private static UnaryOperator<String> headers(RoutingContext request, Map<String, String> extensions) {
        return name -> {
            String value = request == null ? null : request.request().getHeader(name);
            return value != null || extensions == null ? value : extensions.get(name);
        };
    }
}
