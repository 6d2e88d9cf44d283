package dev.sealer.kms.aliyun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.sealer.ErrorCode;
import dev.sealer.credentials.DirectoryCredentialStore;
import dev.sealer.emulator.KmsEmulator;
import dev.sealer.kms.KmsException;
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
 * A KMS that answers too late: the call ends with {@code KMS_TIMEOUT} within a bounded time. The
 * clients are built by {@link AliyunKmsClients} itself, from the emulator's credential directory,
 * with short timeouts (instead of a second Quarkus profile, which would restart the application).
 */
@QuarkusTest
class AliyunKmsTimeoutITTest {

    private static final byte[] DATA_KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    @Inject
    KmsEmulator emulator;

    private final List<AliyunKmsClients> built = new ArrayList<>();

    @AfterEach
    void clearFaultsAndClose() {
        emulator.faults().clear();
        built.forEach(AliyunKmsClients::close);
    }

    private AliyunKmsClient client(Duration readTimeout, Duration callTimeout) {
        AliyunKmsClients clients = new AliyunKmsClients(new DirectoryCredentialStore(emulator.credentialDir()),
                instanceId -> emulator.endpoint(), TestKmsConfig.defaults().withTimeouts(readTimeout, callTimeout),
                KmsCallObserver.NONE, Clock.systemUTC());
        built.add(clients);
        AliyunKmsClient client = clients.get(new AliyunProviderSettings(emulator.clientKeyId(), emulator.instanceId()));
        client.encrypt("key-emulator-0001", DATA_KEY); // connected and handshaken before the latency starts
        return client;
    }

    private static KmsException timedCall(AliyunKmsClient client, Duration bound) {
        long start = System.nanoTime();
        KmsException failure = catchThrowableOfType(KmsException.class, () -> client.encrypt("key-emulator-0001", DATA_KEY));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took).isLessThan(bound);
        return failure;
    }

    @Test
    void call_latencyAboveReadTimeout_isKmsTimeout() {
        AliyunKmsClient client = client(Duration.ofMillis(300), Duration.ofSeconds(1));
        emulator.faults().set(Duration.ofSeconds(3), 0, 0, 0);

        KmsException failure = timedCall(client, Duration.ofMillis(2500));

        assertThat(failure).isNotNull();
        assertThat(failure.errorCode()).as(failure.getMessage()).isEqualTo(ErrorCode.KMS_TIMEOUT);
    }

    @Test
    void call_latencyAboveReadTimeoutWithAmpleCallTimeout_isKmsTimeoutAfterTheAttempts() {
        AliyunKmsClient client = client(Duration.ofMillis(300), Duration.ofSeconds(10));
        emulator.faults().set(Duration.ofSeconds(3), 0, 0, 0);

        KmsException failure = timedCall(client, Duration.ofMillis(2500));

        assertThat(failure).isNotNull();
        assertThat(failure.errorCode()).as(failure.getMessage()).isEqualTo(ErrorCode.KMS_TIMEOUT);
    }

    @Test
    void call_latencyAboveCallTimeout_isKmsTimeoutAtTheCallTimeout() {
        AliyunKmsClient client = client(Duration.ofSeconds(5), Duration.ofMillis(500));
        emulator.faults().set(Duration.ofSeconds(3), 0, 0, 0);

        KmsException failure = timedCall(client, Duration.ofMillis(1500));

        assertThat(failure).isNotNull();
        assertThat(failure.errorCode()).as(failure.getMessage()).isEqualTo(ErrorCode.KMS_TIMEOUT);
        assertThat(failure.getMessage()).contains("500 ms");
    }

    @Test
    void call_latencyBelowReadTimeout_succeeds() {
        AliyunKmsClient client = client(Duration.ofSeconds(2), Duration.ofSeconds(5));
        emulator.faults().set(Duration.ofMillis(200), 0, 0, 0);

        assertThat(client.encrypt("key-emulator-0001", DATA_KEY).ciphertext()).isNotEmpty();
    }
}
