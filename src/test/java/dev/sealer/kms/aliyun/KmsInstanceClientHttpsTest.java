package dev.sealer.kms.aliyun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.sealer.ErrorCode;
import dev.sealer.emulator.EmulatorFaults.Action;
import dev.sealer.emulator.KmsEmulator;
import dev.sealer.kms.KmsFailureException;
import dev.sealer.kms.KmsProvider.SealedKind;
import dev.sealer.kms.KmsRefusedException;
import dev.sealer.kms.WrappedKey;
import dev.sealer.kms.aliyun.common.AliyunVault;
import dev.sealer.kms.aliyun.instance.KmsInstanceClient;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Our client of the KMS-instance API over real HTTPS against the embedded KMS emulator of the
 * {@code %test} profile (keys {@code key-emulator-0001}, {@code key-emulator-0002},
 * {@code alias/test-alias}; secret {@code db-password}), reached through the provider as the functions
 * reach it. Ids, endpoint and credentials all come from the emulator's defaults. Retries are counted
 * by the emulator (requests received), never timed.
 */
@QuarkusTest
class KmsInstanceClientHttpsTest {

    private static final byte[] DATA_KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    @Inject
    AliyunKmsProvider provider;

    @Inject
    KmsEmulator emulator;

    @BeforeEach
    void resetCounts() {
        client(); // built and warm: the counts below are the calls' own
        emulator.faults().resetCounts();
    }

    @AfterEach
    void clearFaults() {
        emulator.faults().clear();
    }

    private KmsInstanceClient client() {
        return (KmsInstanceClient) provider.envelopeKey(provider.settings(SealedKind.ENVELOPE, Map.of()));
    }

    @Test
    void client_withoutProviderSettings_usesTheEmulatorsIdsAndEndpoint() {
        assertThat(provider.settingsForSeal(dev.sealer.kms.KmsProvider.SealedKind.ENVELOPE, Map.of())
                        .toMap())
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        AliyunClientSettings.CLIENT_KEY_ID, emulator.clientKeyId(),
                        AliyunClientSettings.KMS_INSTANCE_ID, emulator.instanceId(),
                        AliyunClientSettings.CLIENT_TYPE, AliyunClientSettings.CLIENT_KEY));
        assertThat(provider.defaultKeyId()).isEqualTo("key-emulator-0001");
        assertThat(provider.endpointFor(emulator.instanceId())).isEqualTo(emulator.endpoint());
        assertThat(emulator.endpoint().getScheme()).isEqualTo("https");
    }

    @Test
    void encryptThenDecrypt_defaultKey_returnsThePlaintext() {
        WrappedKey wrapped = client().encrypt(provider.defaultKeyId(), DATA_KEY);

        assertThat(wrapped.ciphertext()).isNotEmpty().isNotEqualTo(DATA_KEY);
        assertThat(Base64.getDecoder().decode(wrapped.annotations().get(KmsInstanceClient.ANNOTATION_IV)))
                .hasSize(12);
        assertThat(client().decrypt(provider.defaultKeyId(), wrapped.ciphertext(), wrapped.annotations()))
                .isEqualTo(DATA_KEY);
        assertThat(emulator.faults().requests("Encrypt")).isEqualTo(1);
        assertThat(emulator.faults().requests("Decrypt")).isEqualTo(1);
    }

    @Test
    void encrypt_samePlaintextTwice_givesDifferentIvsAndBlobs() {
        WrappedKey first = client().encrypt("key-emulator-0001", DATA_KEY);
        WrappedKey second = client().encrypt("key-emulator-0001", DATA_KEY);

        assertThat(second.annotations()).isNotEqualTo(first.annotations());
        assertThat(second.ciphertext()).isNotEqualTo(first.ciphertext());
    }

    @Test
    void encryptThenDecrypt_aliasKey_returnsThePlaintext() {
        WrappedKey wrapped = client().encrypt("alias/test-alias", DATA_KEY);

        assertThat(client().decrypt("alias/test-alias", wrapped.ciphertext(), wrapped.annotations()))
                .isEqualTo(DATA_KEY);
    }

    @Test
    void encryptThenDecrypt_keyArn_isPassedThroughToTheKms() {
        String arn = "acs:kms:cn-hangzhou:1234567890:key/key-emulator-0002";
        WrappedKey wrapped = client().encrypt(arn, DATA_KEY);

        assertThat(client().decrypt("key-emulator-0002", wrapped.ciphertext(), wrapped.annotations()))
                .isEqualTo(DATA_KEY);
    }

    @Test
    void getSecret_dbPassword_returnsItsValue() {
        assertThat(new String(client().getSecret("db-password", Map.of()), StandardCharsets.UTF_8))
                .isEqualTo("vault-secret-value");
    }

    @Test
    void getSecret_byArn_returnsItsValue() {
        assertThat(new String(
                        client().getSecret("acs:kms:cn-hangzhou:1234567890:secret/db-password", Map.of()),
                        StandardCharsets.UTF_8))
                .isEqualTo("vault-secret-value");
    }

    @Test
    void getSecret_versionStageAcsCurrent_returnsTheCurrentValue() {
        byte[] value = client().getSecret("db-password", Map.of(AliyunVault.ANNOTATION_VERSION_STAGE, "ACSCurrent"));

        assertThat(new String(value, StandardCharsets.UTF_8)).isEqualTo("vault-secret-value");
    }

    @Test
    void getSecret_unknownSecret_isACallerFaultWithTheKmsCodeAndRequestId() {
        KmsRefusedException refused =
                catchThrowableOfType(KmsRefusedException.class, () -> client().getSecret("no-such-secret", Map.of()));

        assertThat(refused.errorCode()).isEqualTo(ErrorCode.KMS_SECRET_NOT_FOUND);
        assertThat(refused.errorCode().httpStatus()).isEqualTo(400);
        assertThat(refused.kmsErrorCode()).isEqualTo("Forbidden.ResourceNotFound");
        assertThat(refused.kmsRequestId()).isNotBlank();
        assertThat(refused.getMessage()).contains("Forbidden.ResourceNotFound").doesNotContain("no-such-secret");
    }

    @Test
    void getSecret_unknownVersionStage_isSecretNotFound() {
        KmsRefusedException refused = catchThrowableOfType(
                KmsRefusedException.class,
                () -> client().getSecret("db-password", Map.of(AliyunVault.ANNOTATION_VERSION_STAGE, "ACSPrevious")));

        assertThat(refused.kmsErrorCode()).isEqualTo("Forbidden.ResourceNotFound");
    }

    @Test
    void encrypt_unknownKeyId_isKeyNotFoundAndNotRetried() {
        KmsRefusedException refused =
                catchThrowableOfType(KmsRefusedException.class, () -> client().encrypt("key-does-not-exist", DATA_KEY));

        assertThat(refused.errorCode()).isEqualTo(ErrorCode.KMS_KEY_NOT_FOUND);
        assertThat(refused.kmsErrorCode()).isEqualTo("Forbidden.KeyNotFound");
        assertThat(refused.kmsRequestId()).isNotBlank();
        assertThat(refused.logMessage())
                .as("the log keeps the KMS's own message")
                .contains("The specified Key is not found");
        assertThat(emulator.faults().requests("Encrypt")).isEqualTo(1);
    }

    @Test
    void decrypt_blobOfAnotherKey_isInvalidParameterAndNotRetried() {
        WrappedKey wrapped = client().encrypt("key-emulator-0001", DATA_KEY);

        KmsRefusedException refused = catchThrowableOfType(
                KmsRefusedException.class,
                () -> client().decrypt("key-emulator-0002", wrapped.ciphertext(), wrapped.annotations()));

        assertThat(refused.errorCode()).isEqualTo(ErrorCode.KMS_INVALID_PARAMETER);
        assertThat(refused.kmsErrorCode()).isEqualTo("InvalidParameter");
        assertThat(refused.kmsRequestId()).isNotBlank();
        assertThat(emulator.faults().requests("Decrypt")).isEqualTo(1);
    }

    @Test
    void decrypt_wrongIv_isRefused() {
        WrappedKey wrapped = client().encrypt("key-emulator-0001", DATA_KEY);
        byte[] iv = Base64.getDecoder().decode(wrapped.annotations().get(KmsInstanceClient.ANNOTATION_IV));
        iv[0] ^= 1;
        Map<String, String> wrongIv = new HashMap<>(wrapped.annotations());
        wrongIv.put(KmsInstanceClient.ANNOTATION_IV, Base64.getEncoder().encodeToString(iv));

        KmsRefusedException refused = catchThrowableOfType(
                KmsRefusedException.class, () -> client().decrypt("key-emulator-0001", wrapped.ciphertext(), wrongIv));

        assertThat(refused.kmsErrorCode()).isEqualTo("InvalidParameter");
    }

    @Test
    void decrypt_flippedBlobByte_isRefused() {
        WrappedKey wrapped = client().encrypt("key-emulator-0001", DATA_KEY);
        byte[] blob = wrapped.ciphertext();
        blob[blob.length - 1] ^= 1;

        KmsRefusedException refused = catchThrowableOfType(
                KmsRefusedException.class, () -> client().decrypt("key-emulator-0001", blob, wrapped.annotations()));

        assertThat(refused.kmsErrorCode()).isEqualTo("InvalidParameter");
    }

    @Test
    void call_alwaysThrottled_failsAsKmsErrorAfterExactlyMaxAttempts() {
        emulator.faults().set(Duration.ZERO, 1.0, 0, 0);

        KmsFailureException failure =
                catchThrowableOfType(KmsFailureException.class, () -> client().encrypt("key-emulator-0001", DATA_KEY));

        assertThat(failure.errorCode()).isEqualTo(ErrorCode.KMS_ERROR);
        assertThat(failure.kmsErrorCode()).isEqualTo("Rejected.Throttling");
        assertThat(failure.kmsRequestId()).isNotBlank();
        assertThat(emulator.faults().requests("Encrypt")).isEqualTo(3); // aliyun.kms.retry.max-attempts
    }

    @Test
    void call_always503_failsAsKmsErrorAfterExactlyMaxAttempts() {
        emulator.faults().set(Duration.ZERO, 0, 1.0, 0);

        KmsFailureException failure =
                catchThrowableOfType(KmsFailureException.class, () -> client().getSecret("db-password", Map.of()));

        assertThat(failure.kmsErrorCode()).isEqualTo("ServiceUnavailableTemporary");
        assertThat(emulator.faults().requests("GetSecretValue")).isEqualTo(3);
    }

    @Test
    void call_connectionAlwaysDropped_isKmsUnavailableAfterExactlyMaxAttempts() {
        emulator.faults().set(Duration.ZERO, 0, 0, 1.0);

        KmsFailureException failure =
                catchThrowableOfType(KmsFailureException.class, () -> client().encrypt("key-emulator-0001", DATA_KEY));

        assertThat(failure.errorCode()).isEqualTo(ErrorCode.KMS_UNAVAILABLE);
        assertThat(failure.kmsErrorCode()).isNull();
        assertThat(failure.getMessage())
                .as("callers see no endpoint")
                .doesNotContain(emulator.endpoint().getHost() + ":");
        assertThat(failure.logMessage())
                .as("the log names it")
                .contains(emulator.endpoint().toString());
        assertThat(failure.getCause()).as("the cause is kept").isNotNull();
        assertThat(emulator.faults().requests("Encrypt")).isEqualTo(3);
    }

    @Test
    void call_throttledTwiceThenServed_succeedsOnTheThirdAttempt() {
        emulator.faults().script(Action.THROTTLE, Action.FAIL);

        WrappedKey wrapped = client().encrypt("key-emulator-0001", DATA_KEY);

        assertThat(wrapped.ciphertext()).isNotEmpty();
        assertThat(emulator.faults().requests("Encrypt")).isEqualTo(3);
    }

    @Test
    void call_afterFaultsCleared_succeedsAgainOnTheSameClient() {
        emulator.faults().set(Duration.ZERO, 0, 0, 1.0);
        catchThrowableOfType(KmsFailureException.class, () -> client().encrypt("key-emulator-0001", DATA_KEY));
        emulator.faults().clear();

        WrappedKey wrapped = client().encrypt("key-emulator-0001", DATA_KEY);

        assertThat(client().decrypt("key-emulator-0001", wrapped.ciphertext(), wrapped.annotations()))
                .isEqualTo(DATA_KEY);
    }
}
