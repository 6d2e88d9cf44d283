package dev.sealer.functions;

import io.quarkus.funqy.knative.events.CloudEvent;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * One call of a function, as its entry point saw it: by which entry point it came, who called and what its
 * credentials allow ({@link Caller}, with its {@link TokenScope}; attached to the request when it was
 * authenticated), the memory its request holds ({@link InFlightMemory}: the function reserves its answer
 * there), for a CloudEvent the event's id, and where the caller's trace context is ({@code traceparent},
 * {@code tracestate}: the request's headers, else a CloudEvent's distributed-tracing extension). Built by
 * the adapters (Funqy's bindings, Function Compute, the loopback listener), checked by {@link
 * FunctionAccess} and recorded by {@link FunctionCalls} where the function runs.
 *
 * @param eventId the CloudEvent's id; null for other entry points
 * @param traceHeader the caller's trace context by header name; returns null where there is none
 */
public record Invocation(
        EntryPoint entryPoint,
        Caller caller,
        InFlightMemory.Reservation memory,
        String eventId,
        UnaryOperator<String> traceHeader) {

    public static Invocation http(RoutingContext request) {
        return of(EntryPoint.HTTP, request, null, null);
    }

    public static Invocation cloudEvent(RoutingContext request, CloudEvent<?> event) {
        return of(EntryPoint.CLOUD_EVENT, request, event.id(), event.extensions());
    }

    public static Invocation functionCompute(RoutingContext request) {
        return of(EntryPoint.FUNCTION_COMPUTE, request, null, null);
    }

    /**
     * The {@code tee} loopback listener: its token was checked there. That listener is not behind the HTTP
     * layer's guard, so nothing is reserved for it.
     */
    public static Invocation loopback(RoutingContext request) {
        return new Invocation(
                EntryPoint.LOOPBACK,
                Caller.LOOPBACK_TOKEN,
                InFlightMemory.Reservation.UNTRACKED,
                null,
                headers(request, null));
    }

    /** What the caller's credentials allow. */
    public TokenScope scope() {
        return caller.scope();
    }

    private static Invocation of(
            EntryPoint entryPoint, RoutingContext request, String eventId, Map<String, String> extensions) {
        return new Invocation(
                entryPoint, Caller.of(request), InFlightMemory.of(request), eventId, headers(request, extensions));
    }

    /** The request's header, else the CloudEvent's extension of that name (structured mode carries it there). */
    private static UnaryOperator<String> headers(RoutingContext request, Map<String, String> extensions) {
        return name -> {
            String value = request == null ? null : request.request().getHeader(name);
            return value != null || extensions == null ? value : extensions.get(name);
        };
    }
}
