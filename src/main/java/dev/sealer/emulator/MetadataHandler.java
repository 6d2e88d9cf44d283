package dev.sealer.emulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealer.Json;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The emulator's instance metadata service (plain HTTP, like {@code http://100.100.100.200}): the RAM
 * part only. {@code GET /latest/meta-data/ram/security-credentials/} names the one role;
 * {@code .../<role>} answers its STS credentials as ECS does ({@code AccessKeyId},
 * {@code AccessKeySecret}, {@code SecurityToken}, {@code Expiration}, {@code LastUpdated},
 * {@code Code: Success}); anything else is 404. Requests are counted, and faulted (latency, dropped
 * connections, 500s), as {@value EmulatorFaults#METADATA}.
 */
final class MetadataHandler implements Handler<HttpServerRequest> {

    static final String PREFIX = "/latest/meta-data/ram/security-credentials/";
    private static final ObjectMapper JSON = Json.MAPPER;

    private final Vertx vertx;
    private final EmulatorRoles roles;
    private final EmulatorFaults faults;
    private final Clock clock;

    MetadataHandler(Vertx vertx, EmulatorRoles roles, EmulatorFaults faults, Clock clock) {
        this.vertx = vertx;
        this.roles = roles;
        this.faults = faults;
        this.clock = clock;
    }

    @Override
    public void handle(HttpServerRequest request) {
        EmulatorFaults.Action action = faults.next(EmulatorFaults.METADATA);
        later(() -> {
            switch (action) {
                case DROP -> request.connection().close();
                case THROTTLE, FAIL -> request.response().setStatusCode(500).end("Internal Server Error");
                case SERVE -> serve(request);
            }
        });
    }

    private void serve(HttpServerRequest request) {
        String path = request.path();
        if (request.method() != HttpMethod.GET || path == null || !path.startsWith(PREFIX)) {
            notFound(request);
            return;
        }
        String role = path.substring(PREFIX.length());
        if (role.isEmpty()) {
            request.response().putHeader("content-type", "text/plain").end(roles.roleName());
            return;
        }
        if (!role.equals(roles.roleName())) {
            notFound(request);
            return;
        }
        EmulatorRoles.Issued issued = roles.roleCredentials();
        Map<String, String> body = new LinkedHashMap<>();
        body.put("AccessKeyId", issued.accessKeyId());
        body.put("AccessKeySecret", issued.accessKeySecret());
        body.put("Expiration", issued.expiration().toString());
        body.put("SecurityToken", issued.securityToken());
        body.put(
                "LastUpdated",
                clock.instant()
                        .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                        .toString());
        body.put("Code", "Success");
        try {
            request.response().putHeader("content-type", "text/plain").end(JSON.writeValueAsString(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void notFound(HttpServerRequest request) {
        request.response()
                .setStatusCode(404)
                .putHeader("content-type", "text/html")
                .end("<html><body><h1>404 Not Found</h1></body></html>");
    }

    private void later(Runnable action) {
        long millis = faults.latency().toMillis();
        if (millis <= 0) {
            action.run();
        } else {
            vertx.setTimer(millis, id -> action.run());
        }
    }
}
