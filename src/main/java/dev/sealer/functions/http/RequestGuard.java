package dev.sealer.functions.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealer.CallerFaultException;
import dev.sealer.ErrorCode;
import dev.sealer.Json;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;

/**
 * Runs after the body is read and before the function bindings: checks that a body is present and
 * that a CloudEvent is well formed (id, source, specversion and type present; JSON {@code data}) so
 * that a bad event gets a clear 4xx instead of reaching Funqy half-formed. Authentication and limits
 * were checked before the body was read ({@link EarlyGuard}).
 */
@ApplicationScoped
public class RequestGuard {

    static final String STRUCTURED = "application/cloudevents+json";

    @Inject
    ErrorResponses errors;

    /** Duplicate attributes refused: Funqy (last-wins) must not read another type than this check did. */
    private final ObjectMapper json = Json.STRICT;

    void install(@Observes Router router) {
        // After the body handler (Integer.MIN_VALUE + 1), before the Funqy routes.
        router.route().order(Integer.MIN_VALUE + 100).handler(this::guard);
    }

    private void guard(RoutingContext context) {
        String path = context.normalizedPath();
        if (path.startsWith("/q/")
                || path.equals("/initialize")
                || path.equals("/invoke")
                || context.request().method() != HttpMethod.POST) {
            context.next();
            return;
        }
        try {
            checkBody(context);
        } catch (CallerFaultException e) {
            errors.write(context, errors.render(e, -1, null));
            return;
        }
        context.next();
    }

    private void checkBody(RoutingContext context) {
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
                throw new CallerFaultException(
                        ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                        "a binary-mode CloudEvent must carry JSON data (content-type: application/json)");
            }
        } else if (contentType != null && contentType.startsWith(STRUCTURED)) {
            checkStructured(context);
        }
    }

    private void checkStructured(RoutingContext context) {
        JsonNode event;
        try {
            event = json.readTree(context.body().buffer().getBytes());
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
            throw new CallerFaultException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "the CloudEvent data must be JSON");
        }
        if (event.has("data_base64")) {
            throw new CallerFaultException(
                    ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "the CloudEvent carries 'data_base64': its data must be JSON in 'data'");
        }
        JsonNode data = event.get("data");
        if (data == null || !data.isObject()) {
            throw invalidEvent("the structured CloudEvent has no 'data' JSON object");
        }
    }

    private static CallerFaultException invalidEvent(String message) {
        return new CallerFaultException(ErrorCode.INVALID_REQUEST, message);
    }
}
