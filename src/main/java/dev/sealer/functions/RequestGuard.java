package dev.sealer.functions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealer.ErrorCode;
import dev.sealer.SealerException;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import io.quarkus.runtime.configuration.ConfigUtils;
import org.jboss.logging.Logger;

/**
 * Runs before every function binding (after the body is read): checks the API token, and checks
 * that a CloudEvent is well formed (id, source, specversion and type present; JSON data) so that
 * a bad event gets a clear 4xx instead of reaching Funqy half-formed. Health and metrics under
 * {@code /q/} are not guarded, nor is FC's {@code /initialize} (it only warms up and returns nothing).
 */
@ApplicationScoped
public class RequestGuard {

    private static final Logger LOG = Logger.getLogger(RequestGuard.class);
    static final String STRUCTURED = "application/cloudevents+json";

    @Inject
    ApiToken token;

    @Inject
    ErrorResponses errors;

    private final ObjectMapper json = new ObjectMapper();

    void install(@Observes Router router) {
        // After the body handler (Integer.MIN_VALUE + 1), before the Funqy routes.
        router.route().order(Integer.MIN_VALUE + 100).handler(this::guard);
    }

    void warnWithoutToken(@Observes StartupEvent event) {
        if (!token.required() && ConfigUtils.getProfiles().contains("tee")) {
            LOG.warn("*** NO API TOKEN (sealer.api-token) IS SET: anyone who can reach this port can unseal secrets. "
                    + "Set sealer.api-token or sealer.api-token-file. ***");
        }
    }

    private void guard(RoutingContext context) {
        String path = context.normalizedPath();
        if (path.startsWith("/q/") || path.equals("/initialize")) {
            context.next();
            return;
        }
        if (!token.accepts(context.request().getHeader("authorization"))) {
            context.response().putHeader("www-authenticate", "Bearer");
            reject(context, new SealerException(ErrorCode.UNAUTHORIZED, "missing or wrong API token"));
            return;
        }
        try {
            checkBody(context);
        } catch (SealerException e) {
            reject(context, e);
            return;
        }
        context.next();
    }

    private void reject(RoutingContext context, SealerException reason) {
        if (context.normalizedPath().equals("/invoke")) {
            // Function Compute reads the outcome of an invocation from this header.
            context.response().putHeader("x-fc-status", "404");
        }
        errors.write(context, errors.render(reason, -1, null));
    }

    private void checkBody(RoutingContext context) {
        if (context.request().method() != HttpMethod.POST) {
            return;
        }
        if (context.body().buffer() == null || context.body().buffer().length() == 0) {
            // Funqy dereferences the body unchecked: an empty one must not reach it.
            throw invalidEvent("the request body is empty: it must be a JSON object");
        }
        String contentType = context.request().getHeader("content-type");
        if (context.request().headers().contains("ce-id")) {
            for (String attribute : new String[] {"ce-specversion", "ce-type", "ce-source"}) {
                String value = context.request().getHeader(attribute);
                if (value == null || value.isBlank()) {
                    throw invalidEvent("CloudEvent header '" + attribute + "' is missing");
                }
            }
            if (contentType == null || !contentType.startsWith("application/json")) {
                throw new SealerException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                        "a binary-mode CloudEvent must carry JSON data (content-type: application/json)");
            }
        } else if (contentType != null && contentType.startsWith(STRUCTURED)) {
            JsonNode event;
            try {
                event = json.readTree(context.body().buffer() == null ? new byte[0] : context.body().buffer().getBytes());
            } catch (IOException e) {
                throw invalidEvent("the structured CloudEvent is not valid JSON");
            }
            if (event == null || !event.isObject()) {
                throw invalidEvent("the structured CloudEvent is not a JSON object");
            }
            for (String attribute : new String[] {"id", "specversion", "type", "source"}) {
                JsonNode value = event.get(attribute);
                if (value == null || !value.isTextual() || value.textValue().isBlank()) {
                    throw invalidEvent("CloudEvent attribute '" + attribute + "' is missing");
                }
            }
            JsonNode dataContentType = event.get("datacontenttype");
            if (dataContentType != null && !dataContentType.asText("").startsWith("application/json")) {
                throw new SealerException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "the CloudEvent data must be JSON");
            }
        }
    }

    private static SealerException invalidEvent(String message) {
        return new SealerException(ErrorCode.INVALID_REQUEST, message);
    }
}
