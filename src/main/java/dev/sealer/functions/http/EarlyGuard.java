package dev.sealer.functions.http;

import dev.sealer.CallerFaultException;
import dev.sealer.ErrorCode;
import dev.sealer.SealerException;
import dev.sealer.ServiceFaultException;
import dev.sealer.functions.Caller;
import dev.sealer.functions.runtime.HttpLimits;
import dev.sealer.functions.runtime.SealerConfig;
import io.vertx.core.Context;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs on the request's headers, before its body is read (ahead of Quarkus's body handler), so that an
 * outsider cannot make the service buffer anything:
 *
 * <ol>
 *   <li>authentication ({@link Authentication}); a refused request is answered 401 and its connection
 *       closed without reading the body. When the answer must wait (Eventing OIDC keys being fetched),
 *       the request is paused meanwhile, so that no body byte is read or lost. Who called ({@link Caller}) is
 *       attached to the request, for the audit trail;
 *   <li>the content type of a function call (JSON or a CloudEvent; anything on Function Compute's
 *       {@code /invoke}): 415 otherwise;
 *   <li>the declared body length: at most {@code quarkus.http.limits.max-body-size} (413), and taken
 *       from a budget shared by all requests in flight, {@code sealer.limits.in-flight-body-bytes}
 *       (503 {@code overloaded} when exhausted; a chunked body counts as the maximum);
 *   <li>a deadline for the body to arrive, {@code sealer.limits.body-read-timeout}: a request that
 *       trickles its body is cut off.
 * </ol>
 *
 * Health and metrics ({@code /q/}), the public key set ({@code GET /jwks}) and Function Compute's
 * {@code /initialize} (called by the platform, without credentials) are not guarded.
 */
@ApplicationScoped
public class EarlyGuard {

    @Inject
    Authentication authentication;

    @Inject
    ErrorResponses errors;

    @Inject
    SealerConfig config;

    private final AtomicLong inFlightBodyBytes = new AtomicLong();
    private long maxBodyBytes;
    private long budget;

    void install(@Observes Router router) {
        maxBodyBytes = HttpLimits.maxBodyBytes();
        budget = config.limits().inFlightBodyBytes().asLongValue();
        // Integer.MIN_VALUE: before the body handler (Integer.MIN_VALUE + 1).
        router.route().order(Integer.MIN_VALUE).handler(this::guard);
    }

    /** Body bytes currently reserved by requests in flight (for tests and metrics). */
    public long inFlightBodyBytes() {
        return inFlightBodyBytes.get();
    }

    private void guard(RoutingContext context) {
        String path = context.normalizedPath();
        if (path.startsWith("/q/")
                || JwksRoute.isJwksRequest(context)
                || (path.equals("/initialize") && config.functionCompute().enabled())) {
            context.next();
            return;
        }
        CompletableFuture<Caller> decision = authentication
                .authenticate(context.request().getHeader("authorization"))
                .toCompletableFuture();
        if (decision.isDone()) {
            afterAuthentication(context, path, decision.getNow(Caller.NONE));
            return;
        }
        context.request().pause();
        Context vertxContext = context.vertx().getOrCreateContext();
        decision.whenComplete((caller, failure) -> vertxContext.runOnContext(
                done -> afterAuthentication(context, path, failure == null && caller != null ? caller : Caller.NONE)));
    }

    private void afterAuthentication(RoutingContext context, String path, Caller caller) {
        if (caller.isNone()) {
            context.response().putHeader("www-authenticate", "Bearer");
            reject(context, new CallerFaultException(ErrorCode.UNAUTHORIZED, "missing or wrong API token"));
            return;
        }
        caller.attachTo(context);
        if (context.request().method() != HttpMethod.POST) {
            context.next();
            return;
        }
        try {
            checkContentType(context, path);
            long reserved = reserveBody(context);
            AtomicBoolean released = new AtomicBoolean();
            long timer = context.vertx()
                    .setTimer(config.limits().bodyReadTimeout().toMillis(), id -> {
                        if (!context.request().isEnded()) {
                            if (context.request().version() == HttpVersion.HTTP_2) {
                                context.response().reset();
                            } else {
                                context.request().connection().close();
                            }
                        }
                    });
            Runnable release = () -> {
                if (released.compareAndSet(false, true)) {
                    inFlightBodyBytes.addAndGet(-reserved);
                    context.vertx().cancelTimer(timer);
                }
            };
            // called when the answer is sent, and when the connection goes away before it is
            context.addEndHandler(done -> release.run());
        } catch (SealerException e) {
            reject(context, e);
            return;
        }
        context.next();
    }

    private void checkContentType(RoutingContext context, String path) {
        if (path.equals("/invoke")) {
            return; // Function Compute sends events as application/octet-stream
        }
        String contentType = context.request().getHeader("content-type");
        String type = contentType == null ? "" : contentType.toLowerCase(java.util.Locale.ROOT);
        if (!type.startsWith("application/json") && !type.startsWith(RequestGuard.STRUCTURED)) {
            throw new CallerFaultException(
                    ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "send JSON (application/json) or a CloudEvent (binary mode, or application/cloudevents+json)");
        }
    }

    /** Reserves the declared body length from the shared budget; returns what was reserved. */
    private long reserveBody(RoutingContext context) {
        String declared = context.request().getHeader("content-length");
        long length;
        if (declared != null) {
            try {
                length = Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                throw new CallerFaultException(ErrorCode.INVALID_REQUEST, "the content-length header is not a number");
            }
        } else {
            String encoding = context.request().getHeader("transfer-encoding");
            length = encoding != null
                            && encoding.toLowerCase(java.util.Locale.ROOT).contains("chunked")
                    ? maxBodyBytes
                    : 0;
        }
        if (length < 0) {
            throw new CallerFaultException(ErrorCode.INVALID_REQUEST, "the content-length header is negative");
        }
        if (length > maxBodyBytes) {
            throw new CallerFaultException(
                    ErrorCode.PAYLOAD_TOO_LARGE, "the request body exceeds the limit of " + maxBodyBytes + " bytes");
        }
        for (; ; ) {
            long current = inFlightBodyBytes.get();
            if (current + length > budget && current > 0) {
                throw new ServiceFaultException(
                        ErrorCode.OVERLOADED, "too many request bytes in flight; retry in a moment");
            }
            if (inFlightBodyBytes.compareAndSet(current, current + length)) {
                return length;
            }
        }
    }

    /** Answers without reading the body, and closes the connection so that the body is never read. */
    private void reject(RoutingContext context, SealerException reason) {
        if (context.request().version() == HttpVersion.HTTP_2) {
            context.addEndHandler(done -> context.response().reset()); // one stream, not the whole connection
        } else {
            context.response().putHeader("connection", "close");
            context.addEndHandler(done -> context.request().connection().close());
        }
        if (reason.errorCode() == ErrorCode.OVERLOADED) {
            context.response().putHeader("retry-after", "1");
        }
        if (context.normalizedPath().equals("/invoke")) {
            context.response().putHeader("x-fc-status", "404");
        }
        errors.write(context, errors.render(reason, -1, null));
    }
}
