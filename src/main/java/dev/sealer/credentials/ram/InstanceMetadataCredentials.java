package dev.sealer.credentials.ram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.sealer.ErrorCode;
import dev.sealer.Json;
import dev.sealer.SafeIds;
import dev.sealer.SealerException;
import dev.sealer.ServiceFaultException;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * The STS credentials of an instance's RAM role, from the ECS instance metadata service (the
 * {@code ecs_ram_role} client type): {@code GET <endpoint>/latest/meta-data/ram/security-credentials/<role>}.
 *
 * <p>Cached per role until {@code refreshBeforeExpiry} before their {@code Expiration}, then fetched
 * again; if that refresh fails while the cached ones are still valid, those keep serving (the failure
 * is logged) until they expire. Time is read from an injectable {@link Clock}. Each fetch is bounded
 * by {@code timeout}. Failures are {@code credentials_unavailable} (service down, too slow, an answer
 * without credentials) or {@code credentials_invalid} (the service has no such role). The
 * credentials are secret: never logged, never in a message.
 */
public final class InstanceMetadataCredentials implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(InstanceMetadataCredentials.class);
    private static final ObjectMapper JSON = Json.MAPPER;
    private static final int MAX_ANSWER = 16 * 1024;

    private final URI endpoint;
    private final Duration timeout;
    private final Duration refreshBeforeExpiry;
    private final Clock clock;
    private final EcsMetadataApi api;
    private final Cache<String, RamCredentials> cache =
            Caffeine.newBuilder().maximumSize(8).build();

    public InstanceMetadataCredentials(URI endpoint, Duration timeout, Duration refreshBeforeExpiry, Clock clock) {
        this.endpoint = endpoint;
        this.timeout = timeout;
        this.refreshBeforeExpiry = refreshBeforeExpiry;
        this.clock = clock;
        this.api = QuarkusRestClientBuilder.newBuilder()
                .baseUri(endpoint)
                .connectTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .followRedirects(false)
                .disableDefaultMapper(true)
                .build(EcsMetadataApi.class);
    }

    /** The credentials of one role, as a source for the OpenAPI client. */
    public RamCredentialSource forRole(String roleName) {
        SafeIds.require("ecs_ram_role_name", roleName);
        return () -> credentials(roleName);
    }

    /** Valid credentials of the role: cached ones unless they are due for a refresh. */
    public RamCredentials credentials(String roleName) {
        RamCredentials cached = cache.getIfPresent(roleName);
        if (cached != null && !dueForRefresh(cached)) {
            return cached;
        }
        return cache.asMap().compute(roleName, (role, current) -> {
            if (current != null && !dueForRefresh(current)) {
                return current; // another caller refreshed meanwhile
            }
            try {
                return fetch(role);
            } catch (SealerException e) {
                if (current != null
                        && current.expiration() != null
                        && clock.instant().isBefore(current.expiration())) {
                    LOG.warnf(
                            "the RAM credentials of role %s could not be refreshed (%s: %s); the cached ones serve until %s",
                            role, e.errorCode().code(), e.logMessage(), current.expiration());
                    return current;
                }
                throw e;
            }
        });
    }

    private boolean dueForRefresh(RamCredentials credentials) {
        return credentials.expiration() == null
                || !clock.instant().isBefore(credentials.expiration().minus(refreshBeforeExpiry));
    }

    private RamCredentials fetch(String role) {
        String where = "instance metadata service at " + endpoint + ", role " + role;
        Response response;
        try {
            response = api.credentials(role).await().atMost(timeout.plusMillis(250));
        } catch (RuntimeException e) {
            boolean slow = e instanceof io.smallrye.mutiny.TimeoutException || hasCause(e, TimeoutException.class);
            throw unavailable(
                    slow ? "did not answer in time (" + timeout.toMillis() + " ms)" : "could not be reached",
                    where + ": " + e.getClass().getSimpleName());
        }
        try (response) {
            if (response.getStatus() == 404) {
                throw new ServiceFaultException(
                        ErrorCode.CREDENTIALS_INVALID,
                        "the instance metadata service has no "
                                + "credentials for the RAM role named in ecsRamRole.json (is the role attached to the instance?)",
                        where,
                        null);
            }
            if (response.getStatus() != 200) {
                throw unavailable("answered HTTP " + response.getStatus(), where);
            }
            return parse(response.readEntity(byte[].class), where);
        }
    }

    private RamCredentials parse(byte[] body, String where) {
        JsonNode json;
        try {
            if (body.length > MAX_ANSWER) {
                throw unavailable("answered more than " + MAX_ANSWER + " bytes", where);
            }
            json = JSON.readTree(body);
        } catch (IOException e) {
            throw unavailable("answered something that is not JSON", where); // the parser's message may quote it
        }
        if (json == null
                || (json.has("Code") && !"Success".equals(json.path("Code").asText()))) {
            throw unavailable(
                    "answered without credentials (Code "
                            + (json == null ? "-" : json.path("Code").asText()) + ")",
                    where);
        }
        String id = json.path("AccessKeyId").asText("");
        String secret = json.path("AccessKeySecret").asText("");
        String token = json.path("SecurityToken").asText("");
        if (id.isEmpty() || secret.isEmpty() || token.isEmpty()) {
            throw unavailable("answered without AccessKeyId, AccessKeySecret or SecurityToken", where);
        }
        Instant expiration = null;
        try {
            expiration = json.hasNonNull("Expiration")
                    ? Instant.parse(json.get("Expiration").asText())
                    : null;
        } catch (DateTimeParseException e) {
            // no usable expiry: the credentials are used for this call only
        }
        return new RamCredentials(id, secret, token, expiration);
    }

    private static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable current = failure; current != null; current = current.getCause()) {
            if (type.isInstance(current)) {
                return true;
            }
        }
        return false;
    }

    private static ServiceFaultException unavailable(String what, String detail) {
        return new ServiceFaultException(
                ErrorCode.CREDENTIALS_UNAVAILABLE,
                "the instance metadata service " + what + ": no RAM credentials for the ecs_ram_role client type",
                detail,
                null);
    }

    @Override
    public void close() {
        api.close();
    }
}
