package dev.sealer.functions;

import java.util.EnumSet;
import java.util.Set;

/**
 * What a request's credentials allow: the entry points it may come by and the functions it may run.
 * Decided once per request from its {@code Authorization} header, before its body is read (by the HTTP
 * layer's authentication), carried with the request as part of its {@link Caller}, and checked again where
 * each function starts ({@link FunctionAccess}), whatever route led there.
 *
 * <ul>
 *   <li>{@link #EVERYTHING}: the API token, or any request where {@code sealer.allow-unauthenticated}
 *       says the platform authenticates: plain HTTP, CloudEvents and Function Compute, every function;
 *   <li>{@link #cloudEvents}: a Knative Eventing OIDC token. It reaches the CloudEvents entry point only
 *       (every event a Broker delivers carries such a token, so it must not open plain HTTP's unseal),
 *       and only the functions its subject is listed for ({@code sealer.auth.oidc.seal-subjects},
 *       {@code unseal-subjects}, {@code reseal-subjects}, {@code check-subjects});
 *   <li>{@link #LOOPBACK}: the {@code tee} loopback listener's token: unseal there, nothing else (that
 *       listener never consults the API token);
 *   <li>{@link #NONE}: missing or wrong credentials, and a request no caller was attached to (fail closed).
 * </ul>
 */
public record TokenScope(Set<EntryPoint> entryPoints, Set<Operation> operations) {

    public static final TokenScope EVERYTHING = new TokenScope(
            EnumSet.of(EntryPoint.HTTP, EntryPoint.CLOUD_EVENT, EntryPoint.FUNCTION_COMPUTE),
            EnumSet.allOf(Operation.class));
    public static final TokenScope LOOPBACK = new TokenScope(Set.of(EntryPoint.LOOPBACK), Set.of(Operation.UNSEAL));
    public static final TokenScope NONE = new TokenScope(Set.of(), Set.of());

    public TokenScope {
        entryPoints = Set.copyOf(entryPoints);
        operations = Set.copyOf(operations);
    }

    /** The CloudEvents entry point, for these functions (none: {@link #NONE}). */
    public static TokenScope cloudEvents(Set<Operation> operations) {
        return operations.isEmpty() ? NONE : new TokenScope(Set.of(EntryPoint.CLOUD_EVENT), operations);
    }

    /** True when the credentials allow nothing at all (an unauthenticated request). */
    public boolean isNone() {
        return entryPoints.isEmpty() || operations.isEmpty();
    }

    /** True when a call may come by this entry point (for some function). */
    public boolean reaches(EntryPoint entryPoint) {
        return !isNone() && entryPoints.contains(entryPoint);
    }

    /** True when a call may run this function, coming by this entry point. */
    public boolean permits(EntryPoint entryPoint, Operation operation) {
        return entryPoints.contains(entryPoint) && operations.contains(operation);
    }
}
