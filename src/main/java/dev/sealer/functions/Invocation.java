package dev.sealer.functions;

/**
 * One call of a function, as its entry point saw it: by which entry point it came and, for a CloudEvent,
 * the event's id. Built by the adapters (Funqy's bindings, Function Compute), checked by
 * {@link FunctionAccess} before the function runs.
 *
 * @param eventId the CloudEvent's id; null for other entry points
 */
public record Invocation(EntryPoint entryPoint, String eventId) {

    public static Invocation http() {
        return new Invocation(EntryPoint.HTTP, null);
    }

    public static Invocation cloudEvent(String eventId) {
        return new Invocation(EntryPoint.CLOUD_EVENT, eventId);
    }

    public static Invocation functionCompute() {
        return new Invocation(EntryPoint.FUNCTION_COMPUTE, null);
    }
}
