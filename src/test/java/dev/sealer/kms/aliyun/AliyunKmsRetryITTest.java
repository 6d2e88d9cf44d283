package dev.sealer.kms.aliyun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.sealer.ErrorCode;
import dev.sealer.credentials.DirectoryCredentialStore;
import dev.sealer.credentials.KmsCredentials;
import dev.sealer.emulator.KmsEmulator;
import dev.sealer.kms.KmsException;
import dev.sealer.kms.KmsServiceException;
import dev.sealer.kms.WrappedKey;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How many requests our client really sends when the KMS throttles, fails or drops. The client
 * under test is the real {@link AliyunKmsClient} with the real signing filter, protobuf provider,
 * error mapper and TLS configuration, wired as {@link AliyunKmsClients} wires them, plus one
 * request filter that counts the HTTP requests leaving the client.
 */
@QuarkusTest
class AliyunKmsRetryITTest {

    private static final byte[] DATA_KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    /** Counts every HTTP request the REST client sends, retries included; runs a hook before each. */
    static final class RequestCounter implements ClientRequestFilter {
        final AtomicInteger requests = new AtomicInteger();
        volatile IntConsumer beforeSending = number -> {
        };

        @Override
        public void filter(ClientRequestContext request) {
            beforeSending.accept(requests.incrementAndGet());
        }
    }

    @Inject
    KmsEmulator emulator;

    @Inject
    AliyunKmsConfig config;

    private final RequestCounter counter = new RequestCounter();
    private final List<AliyunKmsClient> clients = new ArrayList<>();

    @AfterEach
    void clearFaultsAndClose() {
        emulator.faults().clear();
        clients.forEach(AliyunKmsClient::close);
    }

    private AliyunKmsClient countingClient(AliyunKmsConfig.Retry retry) {
        KmsCredentials credentials = new DirectoryCredentialStore(emulator.credentialDir())
                .load(emulator.instanceId(), emulator.clientKeyId());
        KmsInstanceApi api = QuarkusRestClientBuilder.newBuilder()
                .baseUri(emulator.endpoint())
                .tlsConfiguration(new KmsTlsConfiguration(credentials))
                .register(new SigningFilter(credentials.clientKey(), Clock.systemUTC()))
                .register(new ProtobufProvider())
                .register(new KmsErrorMapper())
                .register(counter)
                .build(KmsInstanceApi.class);
        AliyunKmsClient client = new AliyunKmsClient(api, emulator.endpoint(), emulator.instanceId(), emulator.clientKeyId(),
                retry, Duration.ofSeconds(10), KmsCallObserver.NONE, () -> { });
        clients.add(client);
        return client;
    }

    @Test
    void call_withoutFaults_sendsOneRequest() {
        countingClient(config.retry()).encrypt("key-emulator-0001", DATA_KEY);

        assertThat(counter.requests).hasValue(1);
    }

    @Test
    void call_alwaysThrottled_failsWithRejectedThrottlingAfterExactlyMaxAttempts() {
        assertThat(config.retry().maxAttempts()).isEqualTo(3);
        emulator.faults().set(Duration.ZERO, 1.0, 0, 0);

        KmsServiceException refused = catchThrowableOfType(KmsServiceException.class,
                () -> countingClient(config.retry()).encrypt("key-emulator-0001", DATA_KEY));

        assertThat(refused.kmsErrorCode()).isEqualTo("Rejected.Throttling");
        assertThat(counter.requests).hasValue(3);
    }

    @Test
    void call_always503_failsAfterExactlyMaxAttempts() {
        emulator.faults().set(Duration.ZERO, 0, 1.0, 0);

        KmsServiceException refused = catchThrowableOfType(KmsServiceException.class,
                () -> countingClient(config.retry()).encrypt("key-emulator-0001", DATA_KEY));

        assertThat(refused.httpStatus()).isEqualTo(503);
        assertThat(counter.requests).hasValue(3);
    }

    @Test
    void call_connectionAlwaysDropped_isKmsUnavailableAfterExactlyMaxAttempts() {
        emulator.faults().set(Duration.ZERO, 0, 0, 1.0);

        KmsException failure = catchThrowableOfType(KmsException.class,
                () -> countingClient(config.retry()).encrypt("key-emulator-0001", DATA_KEY));

        assertThat(failure.errorCode()).isEqualTo(ErrorCode.KMS_UNAVAILABLE);
        assertThat(counter.requests).hasValue(3);
    }

    /** Faults on for the first request only: the hook turns them off before the second is sent. */
    private void faultsForTheFirstRequestOnly(Duration latency, double throttle, double error, double drop) {
        emulator.faults().set(latency, throttle, error, drop);
        counter.beforeSending = number -> {
            if (number == 2) {
                emulator.faults().clear();
            }
        };
    }

    @Test
    void call_throttledOnce_succeedsOnTheSecondRequest() {
        faultsForTheFirstRequestOnly(Duration.ZERO, 1.0, 0, 0);

        WrappedKey wrapped = countingClient(config.retry()).encrypt("key-emulator-0001", DATA_KEY);

        assertThat(wrapped.ciphertext()).isNotEmpty();
        assertThat(counter.requests).hasValue(2);
    }

    @Test
    void call_503Once_succeedsOnTheSecondRequest() {
        faultsForTheFirstRequestOnly(Duration.ZERO, 0, 1.0, 0);

        byte[] secret = countingClient(config.retry()).getSecret("db-password", Map.of());

        assertThat(new String(secret, StandardCharsets.UTF_8)).isEqualTo("vault-secret-value");
        assertThat(counter.requests).hasValue(2);
    }

    @Test
    void call_droppedOnce_succeedsOnTheSecondRequest() {
        faultsForTheFirstRequestOnly(Duration.ZERO, 0, 0, 1.0);

        WrappedKey wrapped = countingClient(config.retry()).encrypt("key-emulator-0001", DATA_KEY);

        assertThat(wrapped.ciphertext()).isNotEmpty();
        assertThat(counter.requests).hasValue(2);
    }

    @Test
    void call_unknownKey_isNotRetried() {
        KmsServiceException refused = catchThrowableOfType(KmsServiceException.class,
                () -> countingClient(config.retry()).encrypt("key-does-not-exist", DATA_KEY));

        assertThat(refused.kmsErrorCode()).isEqualTo("Forbidden.KeyNotFound");
        assertThat(counter.requests).hasValue(1);
    }

    @Test
    void call_blobOfAnotherKey_isNotRetried() {
        AliyunKmsClient client = countingClient(config.retry());
        WrappedKey wrapped = client.encrypt("key-emulator-0001", DATA_KEY);

        catchThrowableOfType(KmsServiceException.class,
                () -> client.decrypt("key-emulator-0002", wrapped.ciphertext(), wrapped.annotations()));

        assertThat(counter.requests).hasValue(2);
    }

    /**
     * The emulator draws each fault at random and cannot be seeded, so the numbers are chosen to
     * make a flaky outcome negligible: with 30% throttled and 10 attempts a call fails with
     * probability 0.3^10 (6e-6; 2e-4 over 30 calls), and no request at all is throttled with
     * probability 0.7^30 (2e-5). With 3 attempts and 50% (the retry settings of the profile), one
     * of 20 calls would fail nine times out of ten: 0.875^20 = 7% success.
     */
    @Test
    void calls_partlyThrottled_allSucceedThanksToRetries() {
        emulator.faults().set(Duration.ZERO, 0.3, 0, 0);
        AliyunKmsClient client = countingClient(
                new TestKmsConfig.TestRetry(10, Duration.ofMillis(5), Duration.ofMillis(20)));

        for (int i = 0; i < 30; i++) {
            WrappedKey wrapped = client.encrypt("key-emulator-0001", DATA_KEY);
            assertThat(wrapped.ciphertext()).isNotEmpty();
        }

        assertThat(counter.requests.get()).isGreaterThan(30);
    }

    @Test
    void calls_partly503_allSucceedThanksToRetries() {
        emulator.faults().set(Duration.ZERO, 0, 0.3, 0);
        AliyunKmsClient client = countingClient(
                new TestKmsConfig.TestRetry(10, Duration.ofMillis(5), Duration.ofMillis(20)));

        for (int i = 0; i < 30; i++) {
            assertThat(client.getSecret("db-password", Map.of())).isNotEmpty();
        }

        assertThat(counter.requests.get()).isGreaterThan(30);
    }
}
