package dev.sealer.functions;

import io.vertx.ext.web.RoutingContext;

/**
 * One call of a function, as its entry point saw it: by which entry point it came, what its caller's
 * credentials allow ({@link TokenScope}, attached to the request when it was authenticated) and, for a
 * CloudEvent, the event's id. Built by the adapters (Funqy's bindings, Function Compute), checked by
 * {@link FunctionAccess} before the function runs.
 *
 * @param eventId the CloudEvent's id; null for other entry points
 */
public record Invocation(EntryPoint entryPoint, TokenScope scope, String eventId) {

    public static Invocation http(RoutingContext request) {
        return new Invocation(EntryPoint.HTTP, TokenScope.of(request), null);
    }

    public static Invocation cloudEvent(RoutingContext request, String eventId) {
        return new Invocation(EntryPoint.CLOUD_EVENT, TokenScope.of(request), eventId);
    }

    public static Invocation functionCompute(RoutingContext request) {
        return new Invocation(EntryPoint.FUNCTION_COMPUTE, TokenScope.of(request), null);
    }
}
