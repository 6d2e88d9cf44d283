package dev.sealer.functions.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealer.CallerFaultException;
import dev.sealer.ErrorCode;
import dev.sealer.SealerException;
import dev.sealer.functions.CheckRequest;
import dev.sealer.functions.CheckService;
import dev.sealer.functions.FunctionAccess;
import dev.sealer.functions.FunctionCalls;
import dev.sealer.functions.Invocation;
import dev.sealer.functions.Operation;
import dev.sealer.functions.ResealRequest;
import dev.sealer.functions.SealRequest;
import dev.sealer.functions.SealerService;
import dev.sealer.functions.UnsealRequest;
import dev.sealer.functions.runtime.SealerConfig;
import dev.sealer.functions.runtime.WarmUp;
import dev.sealer.kms.AuthenticatedInvocation;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Alibaba Cloud Function Compute's custom-container protocol, served only when
 * {@code sealer.function-compute.enabled} (the {@code fc} profile): {@code POST /invoke} carries an
 * event as its body; the function it runs is {@code sealer.function-compute.function} (set per FC
 * function; the deployment then serves that function only, on every entry point: {@link FunctionAccess}),
 * or, without it, the {@code x-fc-function-handler} header ({@code seal}, {@code unseal}, {@code reseal} or {@code check}),
 * so one image serves every FC function. {@code POST /initialize} starts the warm-up once and waits for
 * it up to a bound; it always answers 200 (a warm-up failure is logged and shown by readiness: it must
 * not make FC discard the instance).
 *
 * <p>Success answers the function's JSON with {@code x-fc-status: 200}; failure answers the error
 * JSON with its HTTP status and {@code x-fc-status: 404} (FC's failure value). Each invocation is framed
 * in the log by {@code FC Invoke Start/End RequestId: <id>} lines (logger {@value #INVOCATION_LOGGER}).
 */
@ApplicationScoped
public class FunctionCompute {

    public static final String INVOCATION_LOGGER = "dev.sealer.fc.invocations";
    private static final Logger INVOCATIONS = Logger.getLogger(INVOCATION_LOGGER);
    private static final Logger LOG = Logger.getLogger(FunctionCompute.class);

    @Inject
    SealerService service;

    @Inject
    CheckService checks;

    @Inject
    ErrorResponses errors;

    @Inject
    ObjectMapper mapper;

    @Inject
    SealerConfig config;

    @Inject
    WarmUp warmUp;

    @Inject
    FunctionAccess access;

    @Inject
    FunctionCalls calls;

    @Inject
    Event<AuthenticatedInvocation> invocations;

    void routes(@Observes Router router) {
        if (!config.functionCompute().enabled()) {
            return;
        }
        router.post("/invoke").blockingHandler(this::invoke, false);
        router.post("/initialize").blockingHandler(this::initialize, false);
    }

    private void invoke(RoutingContext context) {
        String requestId = requestId(context);
        INVOCATIONS.info("FC Invoke Start RequestId: " + requestId);
        try {
            Operation operation = access.served()
                    .or(() -> Operation.named(context.request().getHeader("x-fc-function-handler")))
                    .orElseThrow(() -> new CallerFaultException(
                            ErrorCode.NOT_FOUND,
                            "no function for this invocation: set sealer.function-compute.function, or send "
                                    + "x-fc-function-handler 'seal', 'unseal', 'reseal' or 'check'"));
            Invocation invocation = Invocation.functionCompute(context);
            try {
                // before the body is parsed and FC's role headers are handed on (EarlyGuard checked it already)
                access.require(operation, invocation);
            } catch (SealerException refused) {
                calls.refused(operation, invocation, refused);
                throw refused;
            }
            Object result = switch (operation) {
                case SEAL -> service.seal(accepted(context, SealRequest.class), invocation);
                case UNSEAL -> service.unseal(accepted(context, UnsealRequest.class), invocation);
                case RESEAL -> service.reseal(accepted(context, ResealRequest.class), invocation);
                case CHECK -> checks.check(accepted(context, CheckRequest.class), invocation);
            };
            context.response()
                    .setStatusCode(200)
                    .putHeader("x-fc-status", "200")
                    .putHeader("content-type", "application/json")
                    .end(mapper.writeValueAsString(result));
        } catch (Throwable failure) {
            ErrorResponses.Rendered rendered = errors.render(failure, -1, null);
            context.response().putHeader("x-fc-status", "404");
            errors.write(context, rendered);
        } finally {
            INVOCATIONS.info("FC Invoke End RequestId: " + requestId);
        }
    }

    private void initialize(RoutingContext context) {
        String requestId = requestId(context);
        try {
            warmUp.start().get(config.functionCompute().initializeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.infof("FC initialize %s: the warm-up goes on in the background", requestId);
        } catch (Exception e) {
            LOG.warnf("FC initialize %s: %s", requestId, e.toString());
        }
        context.response().setStatusCode(200).putHeader("x-fc-status", "200").end();
    }

    /**
     * The invocation's input; once it reads, the invocation is accepted (authenticated by EarlyGuard, its
     * function served, its body valid), and only then may a provider take FC's role headers from it.
     */
    private <T> T accepted(RoutingContext context, Class<T> type) throws IOException {
        T input = read(context, type);
        invocations.fire(new AuthenticatedInvocation(context.request()::getHeader));
        return input;
    }

    private <T> T read(RoutingContext context, Class<T> type) throws IOException {
        byte[] body = context.body().buffer() == null
                ? new byte[0]
                : context.body().buffer().getBytes();
        if (body.length == 0) {
            throw new CallerFaultException(ErrorCode.INVALID_REQUEST, "the event body must be a JSON object");
        }
        return StrictJson.REQUESTS.readValue(body, type);
    }

    private static String requestId(RoutingContext context) {
        String id = context.request().getHeader("x-fc-request-id");
        if (id == null || id.isEmpty()) {
            return "-";
        }
        String clean = id.replaceAll("[^A-Za-z0-9._:-]", "?");
        return clean.length() > 128 ? clean.substring(0, 128) : clean;
    }
}
