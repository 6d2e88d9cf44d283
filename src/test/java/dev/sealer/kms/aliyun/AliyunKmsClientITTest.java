package dev.sealer.kms.aliyun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.sealer.ErrorCode;
import dev.sealer.emulator.KmsEmulator;
import dev.sealer.kms.KmsException;
import dev.sealer.kms.KmsServiceException;
import dev.sealer.kms.WrappedKey;
import dev.sealer.kms.aliyun.instance.proto.GenerateDataKeyResponse;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Our client over real HTTPS against the embedded KMS emulator of the {@code %test} profile (keys
 * {@code key-emulator-0001}, {@code key-emulator-0002}, {@code alias/test-alias}; secret
 * {@code db-password}). Ids, endpoint and credentials all come from the emulator's defaults.
 */
@QuarkusTest
class AliyunKmsClientITTest {

    private static final byte[] DATA_KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    @Inject
    AliyunKmsProvider provider;

    @Inject
    KmsEmulator emulator;

    @AfterEach
    void clearFaults() {
        emulator.faults().clear();
    }

    private AliyunKmsClient client() {
        return provider.client(Map.of());
    }

    @Test
    void client_withoutProviderSettings_usesTheEmulatorsIdsAndEndpoint() {
        assertThat(client().providerSettings()).containsExactlyInAnyOrderEntriesOf(Map.of(
                AliyunProviderSettings.CLIENT_KEY_ID, emulator.clientKeyId(),
                AliyunProviderSettings.KMS_INSTANCE_ID, emulator.instanceId(),
                AliyunProviderSettings.CLIENT_TYPE, AliyunProviderSettings.CLIENT_TYPE_CLIENT_KEY));
        assertThat(provider.defaultKeyId()).isEqualTo("key-emulator-0001");
        assertThat(provider.endpointFor(emulator.instanceId())).isEqualTo(emulator.endpoint());
        assertThat(emulator.endpoint().getScheme()).isEqualTo("https");
    }

    @Test
    void encryptThenDecrypt_defaultKey_returnsThePlaintext() {
        WrappedKey wrapped = client().encrypt(provider.defaultKeyId(), DATA_KEY);

        assertThat(wrapped.ciphertext()).isNotEmpty().isNotEqualTo(DATA_KEY);
        assertThat(Base64.getDecoder().decode(wrapped.annotations().get(AliyunKmsClient.ANNOTATION_IV))).hasSize(12);
        assertThat(client().decrypt(provider.defaultKeyId(), wrapped.ciphertext(), wrapped.annotations()))
                .isEqualTo(DATA_KEY);
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

        assertThat(client().decrypt("alias/test-alias", wrapped.ciphertext(), wrapped.annotations())).isEqualTo(DATA_KEY);
    }

    @Test
    void generateDataKey_plaintextDecryptsFromTheCiphertextBlob() {
        GenerateDataKeyResponse generated = client().generateDataKey("key-emulator-0002", 32);

        assertThat(generated.getPlaintext().size()).isEqualTo(32);
        assertThat(generated.getIv().size()).isEqualTo(12);
        assertThat(generated.getRequestId()).isNotBlank();
        byte[] decrypted = client().decrypt("key-emulator-0002", generated.getCiphertextBlob().toByteArray(),
                Map.of(AliyunKmsClient.ANNOTATION_IV, Base64.getEncoder().encodeToString(generated.getIv().toByteArray())));
        assertThat(decrypted).isEqualTo(generated.getPlaintext().toByteArray());
    }

    @Test
    void getSecret_dbPassword_returnsItsValue() {
        assertThat(new String(client().getSecret("db-password", Map.of()), StandardCharsets.UTF_8))
                .isEqualTo("vault-secret-value");
    }

    @Test
    void getSecret_versionStageAcsCurrent_returnsTheCurrentValue() {
        byte[] value = client().getSecret("db-password", Map.of(AliyunKmsClient.ANNOTATION_VERSION_STAGE, "ACSCurrent"));

        assertThat(new String(value, StandardCharsets.UTF_8)).isEqualTo("vault-secret-value");
    }

    @Test
    void getSecret_unknownSecret_isForbiddenResourceNotFoundWithRequestId() {
        KmsServiceException refused = catchThrowableOfType(KmsServiceException.class,
                () -> client().getSecret("no-such-secret", Map.of()));

        assertThat(refused.kmsErrorCode()).isEqualTo("Forbidden.ResourceNotFound");
        assertThat(refused.httpStatus()).isEqualTo(404);
        assertThat(refused.requestId()).isNotBlank();
        assertThat(refused.errorCode()).isEqualTo(ErrorCode.KMS_ERROR);
        assertThat(refused.getMessage()).contains("Forbidden.ResourceNotFound").contains(refused.requestId());
    }

    @Test
    void getSecret_unknownVersionStage_isForbiddenResourceNotFound() {
        KmsServiceException refused = catchThrowableOfType(KmsServiceException.class,
                () -> client().getSecret("db-password", Map.of(AliyunKmsClient.ANNOTATION_VERSION_STAGE, "ACSPrevious")));

        assertThat(refused.kmsErrorCode()).isEqualTo("Forbidden.ResourceNotFound");
    }

    @Test
    void encrypt_unknownKeyId_isForbiddenKeyNotFoundWithStatusAndRequestId() {
        KmsServiceException refused = catchThrowableOfType(KmsServiceException.class,
                () -> client().encrypt("key-does-not-exist", DATA_KEY));

        assertThat(refused.kmsErrorCode()).isEqualTo("Forbidden.KeyNotFound");
        assertThat(refused.httpStatus()).isEqualTo(404);
        assertThat(refused.requestId()).isNotBlank();
        assertThat(refused.kmsErrorMessage()).isNotBlank();
    }

    @Test
    void decrypt_blobOfAnotherKey_isRefused() {
        WrappedKey wrapped = client().encrypt("key-emulator-0001", DATA_KEY);

        KmsServiceException refused = catchThrowableOfType(KmsServiceException.class,
                () -> client().decrypt("key-emulator-0002", wrapped.ciphertext(), wrapped.annotations()));

        assertThat(refused.httpStatus()).isEqualTo(400);
        assertThat(refused.kmsErrorCode()).isEqualTo("InvalidParameter");
        assertThat(refused.requestId()).isNotBlank();
    }

    @Test
    void decrypt_wrongIv_isRefused() {
        WrappedKey wrapped = client().encrypt("key-emulator-0001", DATA_KEY);
        byte[] iv = Base64.getDecoder().decode(wrapped.annotations().get(AliyunKmsClient.ANNOTATION_IV));
        iv[0] ^= 1;
        Map<String, String> wrongIv = new HashMap<>(wrapped.annotations());
        wrongIv.put(AliyunKmsClient.ANNOTATION_IV, Base64.getEncoder().encodeToString(iv));

        KmsServiceException refused = catchThrowableOfType(KmsServiceException.class,
                () -> client().decrypt("key-emulator-0001", wrapped.ciphertext(), wrongIv));

        assertThat(refused.httpStatus()).isEqualTo(400);
        assertThat(refused.kmsErrorCode()).isEqualTo("InvalidParameter");
    }

    @Test
    void decrypt_flippedBlobByte_isRefused() {
        WrappedKey wrapped = client().encrypt("key-emulator-0001", DATA_KEY);
        byte[] blob = wrapped.ciphertext();
        blob[blob.length - 1] ^= 1;

        KmsServiceException refused = catchThrowableOfType(KmsServiceException.class,
                () -> client().decrypt("key-emulator-0001", blob, wrapped.annotations()));

        assertThat(refused.kmsErrorCode()).isEqualTo("InvalidParameter");
    }

    @Test
    void call_alwaysThrottled_failsWithRejectedThrottlingAfterRetries() {
        emulator.faults().set(Duration.ZERO, 1.0, 0, 0);

        KmsServiceException refused = catchThrowableOfType(KmsServiceException.class,
                () -> client().encrypt("key-emulator-0001", DATA_KEY));

        assertThat(refused.kmsErrorCode()).isEqualTo("Rejected.Throttling");
        assertThat(refused.httpStatus()).isEqualTo(429);
        assertThat(refused.requestId()).isNotBlank();
    }

    @Test
    void call_always503_failsWithServiceUnavailableTemporary() {
        emulator.faults().set(Duration.ZERO, 0, 1.0, 0);

        KmsServiceException refused = catchThrowableOfType(KmsServiceException.class,
                () -> client().getSecret("db-password", Map.of()));

        assertThat(refused.kmsErrorCode()).isEqualTo("ServiceUnavailableTemporary");
        assertThat(refused.httpStatus()).isEqualTo(503);
    }

    @Test
    void call_connectionAlwaysDropped_isKmsUnavailable() {
        emulator.faults().set(Duration.ZERO, 0, 0, 1.0);

        KmsException failure = catchThrowableOfType(KmsException.class,
                () -> client().encrypt("key-emulator-0001", DATA_KEY));

        assertThat(failure).isNotInstanceOf(KmsServiceException.class);
        assertThat(failure.errorCode()).isEqualTo(ErrorCode.KMS_UNAVAILABLE);
        assertThat(failure.getMessage()).contains(emulator.endpoint().toString());
    }

    @Test
    void call_afterFaultsCleared_succeedsAgainOnTheSameClient() {
        emulator.faults().set(Duration.ZERO, 0, 0, 1.0);
        catchThrowableOfType(KmsException.class, () -> client().encrypt("key-emulator-0001", DATA_KEY));
        emulator.faults().clear();

        WrappedKey wrapped = client().encrypt("key-emulator-0001", DATA_KEY);

        assertThat(client().decrypt("key-emulator-0001", wrapped.ciphertext(), wrapped.annotations())).isEqualTo(DATA_KEY);
    }
}
