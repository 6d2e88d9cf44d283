package dev.sealer.functions;

import io.vertx.ext.web.RoutingContext;
import java.util.Objects;

/**
 * Who called and what its credential allows, as the service decided it once per request: by which
 * credential the request was let in ({@link #kind()}), an identifier of it that is safe to record ({@link
 * #id()}, for the audit trail), and the credential's {@link TokenScope} (for {@link FunctionAccess}). Made by
 * the HTTP layer's authentication from the request's headers, before its body is read, attached to that
 * request's routing context (never to a thread), and read where the function runs.
 *
 * <ul>
 *   <li>{@code api-token}: the static API token, every entry point and function; its id is a short hash of
 *       which token is configured (the property, and the file's path), never of the token, so it cannot
 *       help guess one;
 *   <li>{@code oidc}: a Knative Eventing OIDC token, CloudEvents only and its subject's functions; its id is
 *       the token's verified subject (one of those configured for a function);
 *   <li>{@code loopback-token}: the {@code tee} loopback listener's token, unseal there only;
 *   <li>{@code unauthenticated}: no credentials, where {@code sealer.allow-unauthenticated} lets that in
 *       (the platform authenticates): every entry point and function.
 * </ul>
 *
 * Holds no credential: {@link #toString()} shows the kind only.
 */
public final class Caller {

    /** Refused credentials: nobody, allowed nothing. */
    public static final Caller NONE = new Caller("none", null, TokenScope.NONE);

    public static final Caller UNAUTHENTICATED = new Caller("unauthenticated", null, TokenScope.EVERYTHING);
    public static final Caller LOOPBACK_TOKEN = new Caller("loopback-token", null, TokenScope.LOOPBACK);

    /** Where a caller travels with its request, from authentication to the function. */
    private static final String CONTEXT_KEY = Caller.class.getName();

    private final String kind;
    private final String id;
    private final TokenScope scope;

    private Caller(String kind, String id, TokenScope scope) {
        this.kind = kind;
        this.id = id;
        this.scope = Objects.requireNonNull(scope);
    }

    /** The API token, identified by {@code label} (a short hash of which token is configured). */
    public static Caller apiToken(String label) {
        return new Caller("api-token", label, TokenScope.EVERYTHING);
    }

    /**
     * A verified Eventing OIDC token of this subject, allowed {@code scope}; {@link #NONE} when the scope
     * allows nothing (a subject listed for no function is not let in).
     */
    public static Caller oidc(String subject, TokenScope scope) {
        return scope.isNone() ? NONE : new Caller("oidc", subject, scope);
    }

    public String kind() {
        return kind;
    }

    /** What identifies this caller among those of its kind, or null. Public; never a credential. */
    public String id() {
        return id;
    }

    /** What this caller's credential allows. */
    public TokenScope scope() {
        return scope;
    }

    /** True when the credentials were refused (or none were presented): nothing is allowed. */
    public boolean isNone() {
        return scope.isNone();
    }

    /** Attaches this caller to its request. */
    public void attachTo(RoutingContext context) {
        context.put(CONTEXT_KEY, this);
    }

    /** The caller attached to a request; {@link #NONE} when there is none (fail closed). */
    public static Caller of(RoutingContext context) {
        Object caller = context == null ? null : context.get(CONTEXT_KEY);
        return caller instanceof Caller attached ? attached : NONE;
    }

    @Override
    public String toString() {
        return "Caller[" + kind + "]";
    }
}
