package dev.sealer.kms.aliyun.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.sealer.ErrorCode;
import dev.sealer.SealerException;
import dev.sealer.credentials.CredentialFiles;
import dev.sealer.credentials.DirectoryCredentialStore;
import dev.sealer.emulator.EmulatorFaults;
import dev.sealer.emulator.EmulatorServer;
import dev.sealer.emulator.KmsEmulator;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rotation: credential files replaced on disk are picked up by {@link AliyunKmsClients} without a
 * restart; new files that do not load leave the previous client serving and are reported.
 *
 * <p>The client reads a temporary credential directory that starts as a copy of the embedded
 * emulator's files. The "rotated" credentials are those of a second emulator with the same instance
 * and client key ids but its own CA and client key: only a client rebuilt from the new files can
 * talk to it (the endpoint switches with the files, as if the instance had been re-issued), and its
 * {@code db-password} secret has another value, which tells the two apart. The rotation check interval
 * (2 s) passes on a steered ticker: no test waits.
 */
@QuarkusTest
class CredentialRotationHttpsTest {

    private final AtomicLong now = new AtomicLong();

    @TempDir
    static Path rotatedDirectory;

    private static EmulatorServer rotated;

    @TempDir
    Path clientDirectory;

    @Inject
    KmsEmulator emulator;

    private final AtomicReference<URI> endpoint = new AtomicReference<>();
    private KmsInstanceClients clients;
    private KmsInstanceClients.Key settings;

    @BeforeEach
    void copyEmulatorCredentials() throws IOException {
        if (rotated == null) {
            rotated = new EmulatorServer(
                            EmulatorServer.Settings.forTests(
                                    rotatedDirectory,
                                    emulator.instanceId(),
                                    emulator.clientKeyId(),
                                    List.of("key-emulator-0001"),
                                    Map.of("db-password", "rotated-value")),
                            new EmulatorFaults())
                    .start();
        }
        installCredentials(emulator.credentialDir());
        endpoint.set(emulator.endpoint());
        settings = new KmsInstanceClients.Key(emulator.instanceId(), emulator.clientKeyId());
        clients = TestFactories.clients(new DirectoryCredentialStore(clientDirectory), id -> endpoint.get(), now::get);
    }

    @AfterEach
    void close() {
        clients.close();
    }

    @AfterAll
    static void stopRotatedEmulator() {
        if (rotated != null) {
            rotated.close();
        }
    }

    /** Replaces the three credential files of the client directory by those of {@code source}, each atomically. */
    private void installCredentials(Path source) throws IOException {
        for (String name : List.of(
                CredentialFiles.clientKeyFileName(emulator.clientKeyId()),
                CredentialFiles.passwordFileName(emulator.clientKeyId()),
                CredentialFiles.caFileName(emulator.instanceId()))) {
            replace(name, Files.readAllBytes(source.resolve(name)));
        }
    }

    private void replace(String name, byte[] content) throws IOException {
        Path temporary = Files.createTempFile(clientDirectory, ".new-", ".tmp");
        Files.write(temporary, content);
        Files.move(
                temporary,
                clientDirectory.resolve(name),
                StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    private static String secret(KmsInstanceClient client) {
        return new String(client.getSecret("db-password", Map.of()), StandardCharsets.UTF_8);
    }

    private void waitPastCheckInterval() {
        now.addAndGet(Duration.ofSeconds(2).toNanos() + 1);
    }

    @Test
    void get_credentialsReplacedOnDisk_areNotLookedAtBeforeTheCheckInterval() throws Exception {
        KmsInstanceClient before = clients.get(settings);
        installCredentials(rotatedDirectory);
        now.addAndGet(Duration.ofSeconds(2).toNanos() - 1);

        assertThat(clients.get(settings)).isSameAs(before);
    }

    @Test
    void get_credentialsUnchanged_returnsTheCachedClient() {
        KmsInstanceClient first = clients.get(settings);
        waitPastCheckInterval();

        assertThat(clients.get(settings)).isSameAs(first);
        assertThat(clients.problems()).isEmpty();
    }

    @Test
    void get_credentialsReplacedOnDisk_rebuildsTheClientWithoutRestart() throws Exception {
        KmsInstanceClient before = clients.get(settings);
        assertThat(secret(before)).isEqualTo("vault-secret-value");

        installCredentials(rotatedDirectory);
        endpoint.set(rotated.endpoint());
        waitPastCheckInterval();
        KmsInstanceClient after = clients.get(settings);

        assertThat(after).isNotSameAs(before);
        assertThat(secret(after)).isEqualTo("rotated-value");
        assertThat(clients.problems()).isEmpty();
    }

    @Test
    void get_brokenNewCredentials_keepThePreviousClientServingAndReportIt() throws Exception {
        KmsInstanceClient before = clients.get(settings);
        replace(
                CredentialFiles.passwordFileName(emulator.clientKeyId()),
                "not-the-password\n".getBytes(StandardCharsets.UTF_8));
        waitPastCheckInterval();

        KmsInstanceClient after = clients.get(settings);

        assertThat(after).isSameAs(before);
        assertThat(secret(after)).isEqualTo("vault-secret-value");
        assertThat(clients.problems())
                .singleElement()
                .asString()
                .contains("credentials_invalid")
                .contains("still serve")
                .as("readiness shows it to anyone: no ids, no secret")
                .doesNotContain(emulator.clientKeyId())
                .doesNotContain(emulator.instanceId())
                .doesNotContain("not-the-password");
    }

    @Test
    void get_brokenCredentialsRepaired_rebuildsAndClearsTheProblem() throws Exception {
        KmsInstanceClient before = clients.get(settings);
        replace(
                CredentialFiles.passwordFileName(emulator.clientKeyId()),
                "not-the-password\n".getBytes(StandardCharsets.UTF_8));
        waitPastCheckInterval();
        clients.get(settings);
        assertThat(clients.problems()).hasSize(1);

        installCredentials(emulator.credentialDir());
        waitPastCheckInterval();
        KmsInstanceClient repaired = clients.get(settings);

        assertThat(repaired).isNotSameAs(before);
        assertThat(secret(repaired)).isEqualTo("vault-secret-value");
        assertThat(clients.problems()).isEmpty();
    }

    @Test
    void get_brokenCredentialsRolledBackToTheVeryFilesOfTheClient_clearsTheProblem() throws Exception {
        KmsInstanceClient before = clients.get(settings);
        Path password = clientDirectory.resolve(CredentialFiles.passwordFileName(emulator.clientKeyId()));
        Path kept = clientDirectory.resolve("password.kept");
        Files.move(password, kept, StandardCopyOption.ATOMIC_MOVE);
        replace(password.getFileName().toString(), "not-the-password\n".getBytes(StandardCharsets.UTF_8));
        waitPastCheckInterval();
        clients.get(settings);
        assertThat(clients.problems()).hasSize(1);

        // e.g. an operator moves the previous file back: same file, same time stamp, same size
        Files.move(kept, password, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        waitPastCheckInterval();

        assertThat(clients.get(settings)).isSameAs(before);
        assertThat(clients.problems()).isEmpty();
    }

    @Test
    void get_brokenCredentialsWithoutPreviousClient_isCredentialsInvalid() throws Exception {
        replace(
                CredentialFiles.passwordFileName(emulator.clientKeyId()),
                "not-the-password\n".getBytes(StandardCharsets.UTF_8));

        SealerException failure = catchThrowableOfType(SealerException.class, () -> clients.get(settings));

        assertThat(failure.errorCode()).isEqualTo(ErrorCode.CREDENTIALS_INVALID);
        assertThat(failure.getMessage()).doesNotContain("not-the-password");
        assertThat(clients.problems()).isEmpty();
    }
}
