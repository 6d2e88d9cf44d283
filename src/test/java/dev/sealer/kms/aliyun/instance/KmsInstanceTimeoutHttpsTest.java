package dev.sealer.kms.aliyun.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.sealer.ErrorCode;
import dev.sealer.credentials.DirectoryCredentialStore;
import dev.sealer.credentials.KmsCredentials;
import dev.sealer.emulator.KmsEmulator;
import dev.sealer.kms.KmsCallObserver;
import dev.sealer.kms.KmsFailureException;
import dev.sealer.kms.RetryLoop;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A KMS that answers too late, over real HTTPS: the call ends with {@code KMS_TIMEOUT} after the number
 * of attempts its timeouts allow, counted by the emulator. Wall-clock bounds here only catch a hang;
 * the caps themselves are checked with a steered clock in {@code RetryLoopTest}.
 */
@QuarkusTest
class KmsInstanceTimeoutHttpsTest {

    private static final byte[] DATA_KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    /** Far above every call timeout used here: only a call that ignores its caps takes this long. */
    private static final Duration HANG = Duration.ofSeconds(60);

    @Inject
    KmsEmulator emulator;

    private final List<KmsInstanceClient> built = new ArrayList<>();

    @AfterEach
    void clearFaultsAndClose() {
        emulator.faults().clear();
        built.forEach(KmsInstanceClient::close);
    }

    private KmsInstanceClient client(Duration readTimeout, Duration callTimeout, int maxAttempts) {
        KmsCredentials credentials = new DirectoryCredentialStore(emulator.credentialDir())
                .load(emulator.instanceId(), emulator.clientKeyId());
        KmsInstanceClientFactory factory = new KmsInstanceClientFactory(
                new KmsInstanceClientFactory.Settings(
                        Duration.ofSeconds(5),
                        readTimeout,
                        new RetryLoop.Policy(maxAttempts, Duration.ofMillis(10), Duration.ofMillis(20), callTimeout)),
                KmsCallObserver.NONE,
                Clock.systemUTC());
        KmsInstanceClient client = factory.build(credentials, emulator.endpoint());
        built.add(client);
        client.encrypt("key-emulator-0001", DATA_KEY); // connected and handshaken before the latency starts
        emulator.faults().resetCounts();
        return client;
    }

    private static KmsFailureException failedCall(KmsInstanceClient client) {
        long start = System.nanoTime();
        KmsFailureException failure =
                catchThrowableOfType(KmsFailureException.class, () -> client.encrypt("key-emulator-0001", DATA_KEY));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("no hang").isLessThan(HANG);
        assertThat(failure).isNotNull();
        return failure;
    }

    @Test
    void call_latencyAboveReadTimeout_isKmsTimeoutAfterEveryAttempt() {
        KmsInstanceClient client = client(Duration.ofMillis(300), Duration.ofSeconds(30), 3);
        emulator.faults().set(Duration.ofSeconds(5), 0, 0, 0);

        KmsFailureException failure = failedCall(client);

        assertThat(failure.errorCode()).as(failure.logMessage()).isEqualTo(ErrorCode.KMS_TIMEOUT);
        assertThat(emulator.faults().requests("Encrypt"))
                .as("each attempt timed out, then the next was sent")
                .isEqualTo(3);
    }

    @Test
    void call_latencyAboveCallTimeout_isKmsTimeoutAfterOneAttempt() {
        KmsInstanceClient client = client(Duration.ofSeconds(20), Duration.ofMillis(500), 3);
        emulator.faults().set(Duration.ofSeconds(5), 0, 0, 0);

        KmsFailureException failure = failedCall(client);

        assertThat(failure.errorCode()).as(failure.logMessage()).isEqualTo(ErrorCode.KMS_TIMEOUT);
        assertThat(failure.getMessage()).contains("500 ms");
        assertThat(emulator.faults().requests("Encrypt"))
                .as("no time was left for a second attempt")
                .isEqualTo(1);
    }

    @Test
    void call_latencyBelowReadTimeout_succeedsAtTheFirstAttempt() {
        KmsInstanceClient client = client(Duration.ofSeconds(10), Duration.ofSeconds(30), 3);
        emulator.faults().set(Duration.ofMillis(200), 0, 0, 0);

        assertThat(client.encrypt("key-emulator-0001", DATA_KEY).ciphertext()).isNotEmpty();
        assertThat(emulator.faults().requests("Encrypt")).isEqualTo(1);
    }
}
