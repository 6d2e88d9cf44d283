package dev.sealer.emulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealer.Json;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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

    private static final EmulatedCall.Reply NOT_FOUND = new EmulatedCall.Reply(
            404,
            "text/html",
            null,
            null,
            "<html><body><h1>404 Not Found</h1></body></html>".getBytes(StandardCharsets.UTF_8));

    private final EmulatorRoles roles;
    private final FaultInjection faults;
    private final Clock clock;

    MetadataHandler(EmulatorRoles roles, FaultInjection faults, Clock clock) {
        this.roles = roles;
        this.faults = faults;
        this.clock = clock;
    }

    @Override
    public void handle(HttpServerRequest request) {
        faults.answer(request, new EmulatedCall() {
            @Override
            public String countedName() {
                return EmulatorFaults.METADATA;
            }

            @Override
            public Reply serve() {
                return MetadataHandler.this.serve(request);
            }

            @Override
            public Reply refuse(Refusal refusal) {
                // the metadata service answers every failure alike
                return new Reply(500, null, null, null, "Internal Server Error".getBytes(StandardCharsets.UTF_8));
            }
        });
    }

    private EmulatedCall.Reply serve(HttpServerRequest request) {
        String path = request.path();
        if (request.method() != HttpMethod.GET || path == null || !path.startsWith(PREFIX)) {
            return NOT_FOUND;
        }
        String role = path.substring(PREFIX.length());
        if (role.isEmpty()) {
            return text(roles.roleName());
        }
        if (!role.equals(roles.roleName())) {
            return NOT_FOUND;
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
            return text(JSON.writeValueAsString(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static EmulatedCall.Reply text(String body) {
        return new EmulatedCall.Reply(200, "text/plain", null, null, body.getBytes(StandardCharsets.UTF_8));
    }
}
