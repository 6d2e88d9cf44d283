package dev.sealer.functions.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.sealer.ErrorCode;
import dev.sealer.SealerException;
import dev.sealer.Texts;
import dev.sealer.functions.SealRequest;
import dev.sealer.functions.UnsealRequest;
import dev.sealer.kms.KmsErrorAnswer;
import io.quarkus.funqy.runtime.ApplicationException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Every failure of every route becomes one JSON body {@code {"error": <stable code>, "message": ...}}
 * with the status of its {@link ErrorCode}; KMS error answers add {@code kms_error_code} and
 * {@code kms_request_id}. Nothing a caller sends yields a 500 or a stack trace; messages name
 * fields and positions but never echo values (they may be secrets).
 */
@ApplicationScoped
public class ErrorResponses {

    private static final Logger LOG = Logger.getLogger(ErrorResponses.class);
    /** Jackson's message for a member that appears twice (STRICT_DUPLICATE_DETECTION). */
    private static final Pattern DUPLICATE = Pattern.compile("Duplicate field '(.*)'");

    /** The JSON error body. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ErrorBody(
            String error,
            String message,
            @JsonProperty("kms_error_code") String kmsErrorCode,
            @JsonProperty("kms_request_id") String kmsRequestId) {

        ErrorBody(ErrorCode code, String message) {
            this(code.code(), message, null, null);
        }
    }

    /** A failure rendered: its status and body. */
    public record Rendered(int status, ErrorBody body) {}

    @Inject
    ObjectMapper mapper;

    private ObjectMapper strictMapper;

    void install(@Observes Router router) {
        strictMapper = StrictJson.REQUESTS;
        router.route().order(Integer.MIN_VALUE + 10).failureHandler(this::handle);
        // No route matched: the same JSON body as every other error.
        router.errorHandler(404, context -> write(context, fromStatus(404, context)));
        router.errorHandler(405, context -> write(context, fromStatus(405, context)));
    }

    private void handle(RoutingContext context) {
        Rendered rendered = render(context.failure(), context.statusCode(), context);
        if (context.response().closed()) {
            return;
        }
        if (context.response().headWritten()) {
            context.response().reset();
            return;
        }
        write(context, rendered);
    }

    void write(RoutingContext context, Rendered rendered) {
        if (ErrorCode.OVERLOADED.code().equals(rendered.body().error())) {
            context.response().putHeader("retry-after", "1");
        }
        try {
            context.response()
                    .setStatusCode(rendered.status())
                    .putHeader("content-type", "application/json")
                    .end(mapper.writeValueAsString(rendered.body()));
        } catch (JsonProcessingException e) {
            context.response().setStatusCode(500).end();
        }
    }

    /**
     * @param failure the exception, possibly wrapped by Funqy or futures; null when a route failed
     *     with a bare status
     * @param status the status the route failed with (-1 if none)
     * @param context the request, to describe JSON errors precisely; may be null
     */
    public Rendered render(Throwable failure, int status, RoutingContext context) {
        Throwable cause = unwrap(failure);
        if (cause instanceof SealerException sealer) {
            if (sealer.errorCode().isCallerFault()) {
                LOG.debugf("request refused: %s: %s", sealer.errorCode().code(), sealer.logMessage());
            } else {
                LOG.warnf("request failed: %s: %s", sealer.errorCode().code(), sealer.logMessage());
            }
            if (sealer instanceof KmsErrorAnswer kms) {
                return new Rendered(
                        sealer.errorCode().httpStatus(),
                        new ErrorBody(
                                sealer.errorCode().code(),
                                sealer.getMessage(),
                                kms.kmsErrorCode(),
                                kms.kmsRequestId()));
            }
            return rendered(sealer.errorCode(), sealer.getMessage());
        }
        if (isClosedConnection(cause, context)) {
            // the caller went away mid-request: nothing to answer, and nothing an outsider may flood the log with
            LOG.debug("request aborted: the connection was closed");
            return rendered(ErrorCode.INVALID_REQUEST, "the connection was closed");
        }
        if (cause instanceof JsonProcessingException json) {
            return rendered(ErrorCode.INVALID_REQUEST, describe(json));
        }
        if (cause instanceof HttpException http) {
            return fromStatus(http.getStatusCode(), context);
        }
        if (cause == null && status > 0) {
            return fromStatus(status, context);
        }
        LOG.error("unexpected failure", cause);
        return rendered(ErrorCode.INTERNAL_ERROR, "internal error");
    }

    private Rendered fromStatus(int status, RoutingContext context) {
        return switch (status) {
            case 400 -> rendered(ErrorCode.INVALID_REQUEST, describeBadBody(context));
            case 401 -> rendered(ErrorCode.UNAUTHORIZED, "missing or wrong API token");
            case 404, 405 ->
                rendered(
                        ErrorCode.NOT_FOUND,
                        context != null && context.request().headers().contains("ce-id")
                                ? "no function for this CloudEvent type"
                                : "no such function or route");
            case 406, 415 ->
                rendered(
                        ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                        "send JSON (application/json) or a CloudEvent (binary or application/cloudevents+json)");
            case 409 -> rendered(ErrorCode.INVALID_REQUEST, "the CloudEvent type matches more than one function");
            case 413 -> rendered(ErrorCode.PAYLOAD_TOO_LARGE, "the request body exceeds the limit");
            default -> {
                if (status >= 400 && status < 500) {
                    yield rendered(ErrorCode.INVALID_REQUEST, "bad request (HTTP " + status + ")");
                }
                LOG.errorf("request failed with HTTP %d", status);
                yield rendered(ErrorCode.INTERNAL_ERROR, "internal error");
            }
        };
    }

    /** Funqy reports a body it cannot read as a bare 400; read it again strictly to say what is wrong. */
    private String describeBadBody(RoutingContext context) {
        String generic = "the request body is not a JSON object of the expected form";
        if (context == null || context.body() == null || context.body().buffer() == null) {
            return generic;
        }
        Class<?> type = switch (context.normalizedPath()) {
            case "/seal" -> SealRequest.class;
            case "/unseal" -> UnsealRequest.class;
            case "/reseal" -> dev.sealer.functions.ResealRequest.class;
            case "/check" -> dev.sealer.functions.CheckRequest.class;
            default -> null;
        };
        if (type == null) {
            return generic;
        }
        try {
            strictMapper.readValue(context.body().buffer().getBytes(), type);
            return generic;
        } catch (JsonProcessingException e) {
            return describe(e);
        } catch (java.io.IOException e) {
            return generic;
        }
    }

    /** A message naming the position or field of a JSON error, never the offending text. */
    static String describe(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            return "unknown field '" + printable(unknown.getPropertyName()) + "'" + at(unknown);
        }
        if (e instanceof StreamConstraintsException) {
            return "the request JSON exceeds a size or nesting limit";
        }
        if (e instanceof MismatchedInputException mismatched) {
            String path = path(mismatched);
            return path.isEmpty() ? "the request body must be a JSON object" : "field '" + path + "': wrong type";
        }
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            return "field '" + path(mapping) + "': invalid value";
        }
        Matcher duplicate = DUPLICATE.matcher(e instanceof JsonParseException ? e.getOriginalMessage() : "");
        if (duplicate.matches()) {
            return "duplicate field '" + printable(duplicate.group(1)) + "' in the request JSON" + location(e);
        }
        if (e instanceof JsonParseException && e.getLocation() != null) {
            return "the request body is not valid JSON" + location(e);
        }
        return "the request body is not valid JSON";
    }

    /** " (line l, column c)" of a parse error, or nothing when it has no location. */
    private static String location(JsonProcessingException e) {
        return e.getLocation() == null
                ? ""
                : " (line " + e.getLocation().getLineNr() + ", column "
                        + e.getLocation().getColumnNr() + ")";
    }

    private static String at(JsonMappingException e) {
        String path = e.getPath().size() > 1 ? path(e).substring(0, path(e).lastIndexOf('.') + 1) : "";
        return path.isEmpty() ? "" : " in '" + path.substring(0, path.length() - 1) + "'";
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? printable(ref.getFieldName()) : String.valueOf(ref.getIndex()))
                .collect(Collectors.joining("."));
    }

    private static String printable(String name) {
        return Texts.printable(name, 40);
    }

    private static boolean isClosedConnection(Throwable cause, RoutingContext context) {
        return cause instanceof HttpClosedException
                || (context != null && context.response().closed());
    }

    private static Rendered rendered(ErrorCode code, String message) {
        return new Rendered(code.httpStatus(), new ErrorBody(code, message));
    }

    /** The failure under what Funqy, futures and reflection wrap it in. */
    static Throwable unwrap(Throwable failure) {
        return Texts.unwrap(
                failure,
                current -> current instanceof ApplicationException
                        || current instanceof UncheckedIOException
                        || current instanceof CompletionException
                        || current instanceof java.lang.reflect.InvocationTargetException);
    }
}
