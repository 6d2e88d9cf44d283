package dev.sealer.functions;

import io.vertx.ext.web.RoutingContext;

/**
 * One call of a function, as its entry point saw it: by which entry point it came, what its caller's
 * credentials allow ({@link TokenScope}, attached to the request when it was authenticated), the memory
 * its request holds ({@link InFlightMemory}: the function reserves its answer there) and, for a
 * CloudEvent, the event's id. Built by the adapters (Funqy's bindings, Function Compute), checked by
 * {@link FunctionAccess} before the function runs.
 *
 * @param eventId the CloudEvent's id; null for other entry points
 */
public record Invocation(EntryPoint entryPoint, TokenScope scope, InFlightMemory.Reservation memory, String eventId) {

    public static Invocation http(RoutingContext request) {
        return of(EntryPoint.HTTP, request, null);
    }

    public static Invocation cloudEvent(RoutingContext request, String eventId) {
        return of(EntryPoint.CLOUD_EVENT, request, eventId);
    }

    public static Invocation functionCompute(RoutingContext request) {
        return of(EntryPoint.FUNCTION_COMPUTE, request, null);
    }

    private static Invocation of(EntryPoint entryPoint, RoutingContext request, String eventId) {
        return new Invocation(entryPoint, TokenScope.of(request), InFlightMemory.of(request), eventId);
    }
}
