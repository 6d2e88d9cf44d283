package dev.sealer.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.filter.Filter;
import io.restassured.filter.FilterContext;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records every secret that crosses the application's HTTP interface during the tests: the
 * {@code text} and {@code plaintext} of seal requests and unseal answers (also inside CloudEvents and
 * batches), and bearer tokens. {@code LogHygieneIT} then greps the suite's log for each of them, so no
 * hand-kept list can miss one. Installed on every RestAssured call by {@link RecordSecrets}.
 *
 * <p>Only values of {@value #MIN_LENGTH} characters or more are recorded: shorter ones (such as
 * {@code "x"}) occur in any log by chance and prove nothing.
 */
public final class SecretRecorder implements Filter {

    public static final Path FILE = Path.of("target/test-secrets/recorded.txt");
    static final int MIN_LENGTH = 8;
    private static final Set<String> FIELDS = Set.of("text", "plaintext");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> SEEN = ConcurrentHashMap.newKeySet();

    @Override
    public Response filter(
            FilterableRequestSpecification request, FilterableResponseSpecification response, FilterContext context) {
        String authorization = request.getHeaders().getValue("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            remember(authorization.substring(7).trim());
        }
        Object body = request.getBody();
        if (body instanceof String text) {
            scan(text.getBytes(StandardCharsets.UTF_8));
        } else if (body instanceof byte[] bytes) {
            scan(bytes);
        } else if (body != null) {
            try {
                scan(JSON.writeValueAsBytes(body));
            } catch (IOException e) {
                // not JSON-able: nothing to record
            }
        }
        Response answer = context.next(request, response);
        scan(answer.asByteArray());
        return answer;
    }

    /** Records a secret a test uses outside HTTP (e.g. a password it writes into a file). */
    public static String remember(String secret) {
        if (secret == null
                || secret.length() < MIN_LENGTH
                || secret.length() > 4096
                || secret.contains("\n")
                || !SEEN.add(secret)) {
            return secret;
        }
        try {
            Files.createDirectories(FILE.getParent());
            Files.writeString(
                    FILE, secret + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return secret;
    }

    private static void scan(byte[] json) {
        if (json == null || json.length == 0 || json.length > 4 * 1024 * 1024) {
            return;
        }
        try {
            visit(JSON.readTree(json));
        } catch (IOException e) {
            // not JSON: nothing to record
        }
    }

    private static void visit(JsonNode node) {
        if (node == null) {
            return;
        }
        if (node.isObject()) {
            node.fields().forEachRemaining(field -> {
                if (FIELDS.contains(field.getKey()) && field.getValue().isTextual()) {
                    record(field.getKey(), field.getValue().textValue());
                } else {
                    visit(field.getValue());
                }
            });
        } else if (node.isArray()) {
            node.forEach(SecretRecorder::visit);
        }
    }

    private static void record(String field, String value) {
        remember(value);
        if (field.equals("plaintext")) {
            try {
                String decoded = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
                if (decoded.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
                    remember(decoded);
                }
            } catch (IllegalArgumentException e) {
                // not base64 (a bad-input test): the raw value is recorded
            }
        }
    }
}
