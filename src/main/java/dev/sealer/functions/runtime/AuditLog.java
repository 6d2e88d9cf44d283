package dev.sealer.functions.runtime;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.sealer.secret.SealedSecretSummary;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The audit trail: one JSON object per function call, on one line, on the log category {@value #CATEGORY}
 * (its own console handler prints it bare; see application.properties). Members, each present only when
 * known: {@code time} (UTC, ISO-8601), {@code function}, {@code entry_point} ({@code http}, {@code events},
 * {@code fc}, {@code loopback}), {@code outcome} ({@code success} or the stable error code), {@code caller}
 * ({@code api-token}, {@code oidc}, {@code loopback-token} or {@code unauthenticated}) and {@code caller_id}
 * (for the API token a short hash of which token is configured, never of the token; for OIDC the token's
 * subject), {@code provider}, {@code client_type} and {@code kid} of the secret read (or, for seal, written),
 * {@code sealed_sha256} (the SHA-256 of each such secret's signing input, an array), and for reseal {@code
 * resealed_kid} and {@code resealed_sha256}.
 *
 * <p>Never a plaintext, data key, credential, token or sealed secret: only the public facts of {@link
 * SealedSecretSummary} and what the entry point knows of its caller. Off ({@code sealer.audit.enabled=false},
 * or the category's level above INFO) nothing is built.
 */
@ApplicationScoped
public class AuditLog {

    public static final String CATEGORY = "dev.sealer.audit";
    private static final Logger LOG = Logger.getLogger(CATEGORY);
    private static final JsonFactory JSON = new JsonFactory();

    /** One call, as {@link #write} records it. */
    public record Entry(
            String function,
            String entryPoint,
            String outcome,
            String caller,
            String callerId,
            List<SealedSecretSummary> read,
            List<SealedSecretSummary> written) {}

    @Inject
    SealerConfig config;

    private boolean enabled;

    @PostConstruct
    void init() {
        enabled = config.audit().enabled();
    }

    /** True when calls are recorded: collect what {@link #write} needs only then. */
    public boolean enabled() {
        return enabled && LOG.isInfoEnabled();
    }

    public void write(Entry entry) {
        if (!enabled()) {
            return;
        }
        LOG.info(line(entry, Instant.now()));
    }

    static String line(Entry entry, Instant time) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("time", time.toString());
            json.writeStringField("function", entry.function());
            field(json, "entry_point", entry.entryPoint());
            json.writeStringField("outcome", entry.outcome());
            field(json, "caller", entry.caller());
            field(json, "caller_id", entry.callerId());
            SealedSecretSummary subject = !entry.read().isEmpty()
                    ? entry.read().get(0)
                    : entry.written().isEmpty() ? null : entry.written().get(0);
            if (subject != null) {
                field(json, "provider", subject.provider());
                field(json, "client_type", subject.clientType());
                field(json, "kid", subject.kid());
            }
            boolean reseal = !entry.read().isEmpty() && !entry.written().isEmpty();
            hashes(json, "sealed_sha256", entry.read().isEmpty() ? entry.written() : entry.read());
            if (reseal) {
                field(json, "resealed_kid", entry.written().get(0).kid());
                hashes(json, "resealed_sha256", entry.written());
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void hashes(JsonGenerator json, String name, List<SealedSecretSummary> secrets) throws IOException {
        List<String> values = secrets.stream()
                .map(SealedSecretSummary::signingInputSha256)
                .filter(java.util.Objects::nonNull)
                .toList();
        if (values.isEmpty()) {
            return;
        }
        json.writeArrayFieldStart(name);
        for (String value : values) {
            json.writeString(value);
        }
        json.writeEndArray();
    }

    private static void field(JsonGenerator json, String name, String value) throws IOException {
        if (value != null) {
            json.writeStringField(name, value);
        }
    }
}
