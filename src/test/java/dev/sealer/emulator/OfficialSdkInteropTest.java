package dev.sealer.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.aliyun.dkms.gcs.sdk.Client;
import com.aliyun.dkms.gcs.sdk.models.DecryptRequest;
import com.aliyun.dkms.gcs.sdk.models.DecryptResponse;
import com.aliyun.dkms.gcs.sdk.models.EncryptRequest;
import com.aliyun.dkms.gcs.sdk.models.EncryptResponse;
import com.aliyun.dkms.gcs.sdk.models.GenerateDataKeyRequest;
import com.aliyun.dkms.gcs.sdk.models.GenerateDataKeyResponse;
import com.aliyun.dkms.gcs.sdk.models.GetSecretValueRequest;
import com.aliyun.dkms.gcs.sdk.models.GetSecretValueResponse;
import com.aliyun.tea.TeaException;
import dev.sealer.credentials.CredentialFiles;
import dev.sealer.testsupport.OfficialSdk;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alibaba's official Java SDK (0.5.2) is the oracle of the protocol: it talks to the emulator with
 * the files the emulator generated, exactly as a user would with a real instance's files. It trusts
 * only the sub-CA of the CA file, so its success also proves the served chain (server certificate
 * issued by the sub-CA, sub-CA sent along).
 */
class OfficialSdkInteropTest {

    private static final byte[] PLAINTEXT = "a 32-byte data key, or any text".getBytes(StandardCharsets.US_ASCII);
    private static final String PASSWORD = "a-password-for-a-key-the-emulator-never-saw";

    @TempDir
    static Path directory;

    /** Client keys the emulator does not know: kept apart from its directory. */
    @TempDir
    Path strangerDirectory;

    private static EmulatorServer server;

    @BeforeAll
    static void start() {
        server = TestEmulators.startSeeded(directory);
    }

    @AfterAll
    static void stop() {
        server.close();
        OfficialSdk.forgetConnections();
    }

    @AfterEach
    void forgetConnections() {
        OfficialSdk.forgetConnections();
    }

    private static Path caFile() {
        return directory.resolve(CredentialFiles.caFileName(TestEmulators.INSTANCE_ID));
    }

    private static Client sdk() {
        return OfficialSdk.client(
                server.endpoint(),
                directory.resolve(CredentialFiles.clientKeyFileName(TestEmulators.CLIENT_KEY_ID)),
                directory.resolve(CredentialFiles.passwordFileName(TestEmulators.CLIENT_KEY_ID)),
                caFile());
    }

    /** An SDK client signing with a new client key whose files are written outside the emulator's directory. */
    private Client sdkWithStrangerKey(String clientKeyId) {
        EmulatorPki.Issued key = EmulatorPki.clientKey(TestEmulators.INSTANCE_ID);
        CredentialWriter.writeClientKey(
                strangerDirectory,
                clientKeyId,
                key.key(),
                key.certificate(),
                PASSWORD.toCharArray(),
                CredentialWriter.PasswordFormat.BARE);
        return OfficialSdk.client(
                server.endpoint(),
                strangerDirectory.resolve(CredentialFiles.clientKeyFileName(clientKeyId)),
                strangerDirectory.resolve(CredentialFiles.passwordFileName(clientKeyId)),
                caFile());
    }

    private static EncryptResponse encrypt(Client sdk) throws Exception {
        return sdk.encrypt(new EncryptRequest()
                .setKeyId(TestEmulators.KEY_1)
                .setPlaintext(PLAINTEXT)
                .setAlgorithm("AES_GCM"));
    }

    @Test
    void sdkEncryptThenDecrypt_returnsThePlaintext() throws Exception {
        EncryptResponse encrypted = encrypt(sdk());

        assertThat(encrypted.getKeyId()).isEqualTo(TestEmulators.KEY_1);
        assertThat(encrypted.getIv()).hasSize(12);
        assertThat(encrypted.getRequestId()).isNotBlank();
        DecryptResponse decrypted = sdk().decrypt(new DecryptRequest()
                .setKeyId(TestEmulators.KEY_1)
                .setCiphertextBlob(encrypted.getCiphertextBlob())
                .setIv(encrypted.getIv())
                .setAlgorithm("AES_GCM"));
        assertThat(decrypted.getPlaintext()).isEqualTo(PLAINTEXT);
        assertThat(decrypted.getRequestId()).isNotBlank().isNotEqualTo(encrypted.getRequestId());
    }

    @Test
    void sdkGetSecretValue_returnsTheSecretAndItsCurrentVersion() throws Exception {
        GetSecretValueResponse secret = sdk().getSecretValue(new GetSecretValueRequest()
                .setSecretName(TestEmulators.SECRET_NAME)
                .setFetchExtendedConfig(true));

        assertThat(secret.getSecretName()).isEqualTo(TestEmulators.SECRET_NAME);
        assertThat(secret.getSecretData()).isEqualTo(TestEmulators.SECRET_VALUE);
        assertThat(secret.getVersionStages()).contains("ACSCurrent");
        assertThat(secret.getVersionId()).isNotBlank();
        assertThat(secret.getRequestId()).isNotBlank();
    }

    @Test
    void sdkGenerateDataKey_plaintextDecryptsFromTheBlob() throws Exception {
        GenerateDataKeyResponse generated = sdk().generateDataKey(new GenerateDataKeyRequest()
                .setKeyId(TestEmulators.KEY_2)
                .setNumberOfBytes(32));

        DecryptResponse decrypted = sdk().decrypt(new DecryptRequest()
                .setKeyId(TestEmulators.KEY_2)
                .setCiphertextBlob(generated.getCiphertextBlob())
                .setIv(generated.getIv()));
        assertThat(generated.getPlaintext()).hasSize(32);
        assertThat(decrypted.getPlaintext()).isEqualTo(generated.getPlaintext());
    }

    @Test
    void sdkUnknownKeyId_isRefusedForbiddenKeyNotFound() {
        TeaException refused = catchThrowableOfType(
                TeaException.class,
                () -> sdk().encrypt(
                                new EncryptRequest().setKeyId("key-nobody-has").setPlaintext(PLAINTEXT)));

        assertThat(refused.getCode()).isEqualTo("Forbidden.KeyNotFound");
        assertThat(refused.getData()).containsEntry("httpCode", 404);
        assertThat(String.valueOf(refused.getData().get("requestId"))).isNotBlank();
    }

    @Test
    void sdkSigningWithAnUnknownClientKey_isRefusedUnauthorized() {
        Client stranger = sdkWithStrangerKey("KAAP.stranger-client-key");

        TeaException refused = catchThrowableOfType(TeaException.class, () -> encrypt(stranger));

        assertThat(refused.getCode()).isEqualTo("Unauthorized");
        assertThat(refused.getData()).containsEntry("httpCode", 404);
    }

    @Test
    void sdkSigningWithAKnownIdButAnotherPrivateKey_isRefusedSignatureNotMatch() {
        Client impostor = sdkWithStrangerKey(TestEmulators.CLIENT_KEY_ID);

        TeaException refused = catchThrowableOfType(TeaException.class, () -> encrypt(impostor));

        assertThat(refused.getCode()).isEqualTo("SignatureNotMatch");
        assertThat(refused.getData()).containsEntry("httpCode", 401);
    }
}
