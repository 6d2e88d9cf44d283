package dev.sealer.functions.http;

import dev.sealer.CallerFaultException;
import dev.sealer.ErrorCode;
import dev.sealer.functions.runtime.Profiles;
import dev.sealer.secret.PublishedKeys;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * {@code GET /jwks}: the JWK Set of the keys that verify what this service signs ({@link PublishedKeys}),
 * served without authentication like health (every member is public; {@link EarlyGuard} lets this one path
 * and method through), as {@code application/jwk-set+json} (RFC 7517, section 8.5.1). Built at start, so a
 * bad rotation key stops the start rather than the first fetch.
 *
 * <p>Not served in {@code tee} ({@code 404 not_found}): there the signing key comes from a Secret the host
 * can replace, and a key published from inside the guest could be the host's; publish the public key from
 * where it was made.
 */
@ApplicationScoped
public class JwksRoute {

    public static final String PATH = "/jwks";
    static final String MEDIA_TYPE = "application/jwk-set+json";

    @Inject
    PublishedKeys keys;

    @Inject
    ErrorResponses errors;

    private byte[] body;
    private boolean served;

    void install(@Observes Router router) {
        served = !Profiles.isTee(Profiles.active());
        body = keys.json();
        // after the guards (they let GET /jwks through), before Funqy's routes
        router.get(PATH).order(Integer.MIN_VALUE + 200).handler(this::serve);
    }

    /** True for the one unauthenticated request this route answers. */
    static boolean isJwksRequest(RoutingContext context) {
        return PATH.equals(context.normalizedPath()) && context.request().method() == io.vertx.core.http.HttpMethod.GET;
    }

    private void serve(RoutingContext context) {
        if (!served) {
            errors.write(
                    context,
                    errors.render(
                            new CallerFaultException(
                                    ErrorCode.NOT_FOUND,
                                    "GET /jwks is not served in tee: publish the signing key's public half from where it was made"),
                            -1,
                            null));
            return;
        }
        context.response()
                .setStatusCode(200)
                .putHeader("content-type", MEDIA_TYPE)
                .putHeader("cache-control", "no-cache")
                .end(Buffer.buffer(body));
    }
}
