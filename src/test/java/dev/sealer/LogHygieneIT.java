package dev.sealer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealer.testsupport.SecretRecorder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Runs after the whole test suite (failsafe, phase integration-test) and greps everything the
 * application logged during it for every secret the tests used: each plaintext and token that crossed
 * the HTTP interface (recorded by {@link SecretRecorder} as the tests ran, so no list is kept by hand),
 * the emulator's client-key passwords, the signing key and private-key markers. None may appear.
 */
class LogHygieneIT {

    private static final Path LOGS = Path.of("target/test-logs");
    private static final Path STATE = Path.of("target/test-state");

    @Test
    void theSuitesLog_containsNoSecret() throws IOException {
        String log = readLogs();
        assertThat(log)
                .as("the suite's log was captured")
                .contains("KMS emulator")
                .contains("Profile test activated");

        List<String> secrets = new ArrayList<>(Files.readAllLines(SecretRecorder.FILE, StandardCharsets.UTF_8));
        assertThat(secrets)
                .as("the tests' secrets were recorded")
                .hasSizeGreaterThan(50)
                .contains("correct horse battery staple");
        secrets.addAll(List.of("PrivateKeyData", "PRIVATE KEY", "ClientKeyPassword"));
        try (Stream<Path> files = Files.walk(STATE)) {
            files.filter(f -> f.getFileName().toString().startsWith("password_"))
                    .forEach(f -> secrets.add(read(f).strip()));
        }
        JsonNode signingKey = new ObjectMapper().readTree(read(STATE.resolve("signing/test-signing-key.jwk")));
        secrets.add(signingKey.get("d").asText());

        for (String secret : secrets) {
            assertThat(log)
                    .as("the log must not contain a secret (%s...)", secret.substring(0, Math.min(4, secret.length())))
                    .doesNotContain(secret);
        }
    }

    private static String readLogs() throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.list(LOGS)) {
            files.filter(f -> f.getFileName().toString().startsWith("quarkus.log"))
                    .forEach(f -> all.append(read(f)));
        }
        return all.toString();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
