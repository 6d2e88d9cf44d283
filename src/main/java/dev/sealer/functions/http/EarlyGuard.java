package dev.sealer.functions.http;

import dev.sealer.CallerFaultException;
import dev.sealer.ErrorCode;
import dev.sealer.SealerException;
import dev.sealer.functions.Caller;
import dev.sealer.functions.EntryPoint;
import dev.sealer.functions.FunctionAccess;
import dev.sealer.functions.FunctionCalls;
import dev.sealer.functions.InFlightMemory;
import dev.sealer.functions.Invocation;
import dev.sealer.functions.Operation;
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
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Runs on the request's headers, before its body is read (ahead of Quarkus's body handler), so that an
 * outsider cannot make the service buffer anything:
 *
 * <ol>
 *   <li>authentication ({@link Authentication}); a refused request is answered 401 and its connection
 *       closed without reading the body. When the answer must wait (Eventing OIDC keys being fetched),
 *       the request is paused meanwhile, so that no body byte is read or lost. Who called, with what the
 *       credentials allow ({@link Caller}, its {@link dev.sealer.functions.TokenScope}), is attached to the
 *       request, for the access checks and the audit trail;
 *   <li>an entry point the credentials do not allow (an Eventing OIDC token off the CloudEvents entry
 *       point): 403; a plain HTTP path naming a function this deployment does not serve (404) or the
 *       credentials do not allow (403). {@link FunctionAccess} checks again where the function runs,
 *       whatever the route. Such a refusal of a function the headers name (a plain HTTP path, Function
 *       Compute's function) is recorded like one where the function runs ({@link
 *       FunctionCalls#refused}: metric, span, audit line with the caller);
 *   <li>the content type of a function call (JSON or a CloudEvent; anything on Function Compute's
 *       {@code /invoke}): 415 otherwise;
 *   <li>the declared body length: at most {@code quarkus.http.limits.max-body-size} (413), and what the
 *       body will hold once read reserved from the heap all requests in flight share
 *       ({@link InFlightMemory}, {@code sealer.limits.in-flight-bytes}: 503 {@code overloaded} beyond it; a
 *       chunked body counts as the maximum). The reservation goes with the request, for its function to
 *       reserve its answer in, and is released when the answer is sent or the connection closes;
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

    @Inject
    FunctionAccess access;

    @Inject
    InFlightMemory memory;

    @Inject
    FunctionCalls calls;

    private long maxBodyBytes;

    void install(@Observes Router router) {
        maxBodyBytes = HttpLimits.maxBodyBytes();
        // Integer.MIN_VALUE: before the body handler (Integer.MIN_VALUE + 1).
        router.route().order(Integer.MIN_VALUE).handler(this::guard);
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
        EntryPoint entryPoint = entryPointOf(context, path);
        Optional<Operation> function = functionNamed(context, path, entryPoint);
        try {
            if (!caller.scope().reaches(entryPoint)) {
                throw new CallerFaultException(
                        ErrorCode.FORBIDDEN, "these credentials do not allow calls over " + entryPoint);
            }
            if (entryPoint == EntryPoint.HTTP && function.isPresent()) {
                // the function a plain HTTP path names: refused before its body is read when not allowed
                access.requireAllowed(function.get(), EntryPoint.HTTP, caller.scope());
            }
        } catch (SealerException e) {
            // an authenticated caller refused a function: what an auditor wants to see, though no body is read
            function.ifPresent(refused -> calls.refused(refused, invocationOf(context, entryPoint), e));
            reject(context, e);
            return;
        }
        InFlightMemory.Reservation reservation = memory.open();
        // called when the answer is sent, and when the connection goes away before it is
        context.addEndHandler(done -> reservation.release());
        reservation.attachTo(context);
        if (context.request().method() != HttpMethod.POST) {
            context.next();
            return;
        }
        try {
            checkContentType(context, path);
            reservation.reserve(declaredBodyLength(context) * InFlightMemory.REQUEST_BYTES_PER_BODY_BYTE);
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
            context.addEndHandler(done -> context.vertx().cancelTimer(timer));
        } catch (SealerException e) {
            reject(context, e);
            return;
        }
        context.next();
    }

    /**
     * The entry point a request takes, by the rule Funqy dispatches with: a CloudEvent when it has a
     * {@code ce-id} header or the structured content type, whatever its path; Function Compute's
     * {@code /invoke} where served; plain HTTP otherwise.
     */
    private EntryPoint entryPointOf(RoutingContext context, String path) {
        if (path.equals("/invoke") && config.functionCompute().enabled()) {
            return EntryPoint.FUNCTION_COMPUTE;
        }
        String contentType = context.request().getHeader("content-type");
        if (context.request().headers().contains("ce-id")
                || (contentType != null && contentType.startsWith(RequestGuard.STRUCTURED))) {
            return EntryPoint.CLOUD_EVENT;
        }
        return EntryPoint.HTTP;
    }

    /**
     * The function a request's headers name: a plain HTTP path's ({@code /seal}, ...), or the one Function
     * Compute's {@code /invoke} runs. A CloudEvent's is its type, which structured mode carries in the body:
     * Funqy dispatches it, and {@link FunctionAccess} checks it where the function runs.
     */
    private Optional<Operation> functionNamed(RoutingContext context, String path, EntryPoint entryPoint) {
        return switch (entryPoint) {
            case HTTP -> Operation.named(path.substring(1));
            case FUNCTION_COMPUTE ->
                access.served().or(() -> Operation.named(context.request().getHeader("x-fc-function-handler")));
            case CLOUD_EVENT, LOOPBACK -> Optional.empty();
        };
    }

    /** The invocation a refused request would have been, as far as its headers tell (no body, no event). */
    private static Invocation invocationOf(RoutingContext context, EntryPoint entryPoint) {
        return entryPoint == EntryPoint.FUNCTION_COMPUTE
                ? Invocation.functionCompute(context)
                : Invocation.http(context);
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

    /** The body length a request declares (a chunked body: the largest allowed), checked against the limit. */
    private long declaredBodyLength(RoutingContext context) {
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
        return length;
    }

    /** Answers without reading the body, and closes the connection so that the body is never read. */
    private void reject(RoutingContext context, SealerException reason) {
        if (context.request().version() == HttpVersion.HTTP_2) {
            context.addEndHandler(done -> context.response().reset()); // one stream, not the whole connection
        } else {
            context.response().putHeader("connection", "close");
            context.addEndHandler(done -> context.request().connection().close());
        }
        if (context.normalizedPath().equals("/invoke")) {
            context.response().putHeader("x-fc-status", "404");
        }
        errors.write(context, errors.render(reason, -1, null));
    }
}
