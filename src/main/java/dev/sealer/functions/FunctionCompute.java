package dev.sealer.functions;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealer.ErrorCode;
import dev.sealer.SealerException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import org.jboss.logging.Logger;

/**
 * Alibaba Cloud Function Compute's custom-runtime protocol (SPEC 4): {@code POST /invoke} carries
 * the event as its body and names the function in {@code x-fc-function-handler} ({@code seal} or
 * {@code unseal}), so one image serves both FC functions; {@code POST /initialize} warms up.
 * Success answers the function's JSON with {@code x-fc-status: 200}; failure answers the error JSON
 * with its HTTP status and {@code x-fc-status: 404}. Each invocation is framed in the log by
 * {@code FC Invoke Start/End RequestId: <id>} lines (logger {@value #INVOCATION_LOGGER}).
 */
@ApplicationScoped
public class FunctionCompute {

    public static final String INVOCATION_LOGGER = "dev.sealer.fc.invocations";
    private static final Logger INVOCATIONS = Logger.getLogger(INVOCATION_LOGGER);
    private static final Logger LOG = Logger.getLogger(FunctionCompute.class);

    @Inject
    SealerService service;

    @Inject
    ErrorResponses errors;

    @Inject
    ObjectMapper mapper;

    private ObjectMapper strict;

    void routes(@Observes Router router) {
        strict = StrictJson.apply(mapper.copy()).configure(
                com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
        router.post("/invoke").blockingHandler(this::invoke, false);
        router.post("/initialize").blockingHandler(this::initialize, false);
    }

    private void invoke(RoutingContext context) {
        String requestId = requestId(context);
        INVOCATIONS.info("FC Invoke Start RequestId: " + requestId);
        try {
            String handler = context.request().getHeader("x-fc-function-handler");
            Object result = switch (handler == null ? "" : handler) {
                case "seal" -> service.seal(read(context, SealRequest.class));
                case "unseal" -> service.unseal(read(context, UnsealRequest.class));
                default -> throw new SealerException(ErrorCode.NOT_FOUND,
                        "header 'x-fc-function-handler' must be 'seal' or 'unseal'");
            };
            context.response().setStatusCode(200).putHeader("x-fc-status", "200")
                    .putHeader("content-type", "application/json").end(mapper.writeValueAsString(result));
        } catch (Throwable failure) {
            ErrorResponses.Rendered rendered = errors.render(failure, -1, null);
            context.response().putHeader("x-fc-status", "404");
            errors.write(context, rendered);
        } finally {
            INVOCATIONS.info("FC Invoke End RequestId: " + requestId);
        }
    }

    /** Loads the signing key, the default credentials and the KMS client, so the first invoke is fast. */
    private void initialize(RoutingContext context) {
        String requestId = requestId(context);
        try {
            service.warmUp();
            context.response().setStatusCode(200).putHeader("x-fc-status", "200").end();
        } catch (Throwable failure) {
            LOG.warnf("FC initialize %s failed: %s", requestId, failure.getMessage());
            context.response().putHeader("x-fc-status", "404");
            errors.write(context, errors.render(failure, -1, null));
        }
    }

    private <T> T read(RoutingContext context, Class<T> type) throws IOException {
        byte[] body = context.body().buffer() == null ? new byte[0] : context.body().buffer().getBytes();
        if (body.length == 0) {
            throw new SealerException(ErrorCode.INVALID_REQUEST, "the event body must be a JSON object");
        }
        return strict.readValue(body, type);
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
