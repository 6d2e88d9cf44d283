package dev.sealer.functions;

import io.vertx.ext.web.RoutingContext;
import java.util.function.Supplier;

/**
 * Who called, as far as the service knows: by which credential the request was let in, and an identifier
 * of it that is safe to record ({@link #id()}). Decided once per request by the HTTP layer's authentication,
 * attached to that request's routing context (never to a thread), and read where the function runs, for the
 * audit trail.
 *
 * <ul>
 *   <li>{@code api-token}: the static API token; its id is a short hash of which token is configured (the
 *       property, and the file's path), never of the token, so it cannot help guess one;
 *   <li>{@code oidc}: a Knative Eventing OIDC token; its id is the token's (verified) subject;
 *   <li>{@code loopback-token}: the {@code tee} loopback listener's token;
 *   <li>{@code unauthenticated}: no credentials, where {@code sealer.allow-unauthenticated} lets that in.
 * </ul>
 *
 * Holds no credential: {@link #toString()} shows the kind only.
 */
public final class Caller {

    /** Refused credentials: nobody. */
    public static final Caller NONE = new Caller("none", () -> null);

    public static final Caller UNAUTHENTICATED = new Caller("unauthenticated", () -> null);
    public static final Caller LOOPBACK_TOKEN = new Caller("loopback-token", () -> null);

    /** Where a caller travels with its request, from authentication to the function. */
    private static final String CONTEXT_KEY = Caller.class.getName();

    private final String kind;
    private final Supplier<String> id;

    private Caller(String kind, Supplier<String> id) {
        this.kind = kind;
        this.id = id;
    }

    /** The API token, identified by {@code label} (a short hash of which token is configured). */
    public static Caller apiToken(String label) {
        return new Caller("api-token", () -> label);
    }

    /**
     * An Eventing OIDC token; {@code subject} is read only when asked for (the audit trail), from the token
     * that was verified.
     */
    public static Caller oidc(Supplier<String> subject) {
        return new Caller("oidc", subject);
    }

    public String kind() {
        return kind;
    }

    /** What identifies this caller among those of its kind, or null. Public; never a credential. */
    public String id() {
        return id.get();
    }

    public boolean isNone() {
        return this == NONE;
    }

    /** Attaches this caller to its request. */
    public void attachTo(RoutingContext context) {
        context.put(CONTEXT_KEY, this);
    }

    /** The caller attached to a request; {@link #NONE} when there is none. */
    public static Caller of(RoutingContext context) {
        Object caller = context == null ? null : context.get(CONTEXT_KEY);
        return caller instanceof Caller attached ? attached : NONE;
    }

    @Override
    public String toString() {
        return "Caller[" + kind + "]";
    }
}
