package dev.sealer.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.aliyun.dkms.gcs.sdk.Client;
import com.aliyun.dkms.gcs.sdk.models.DecryptRequest;
import com.aliyun.dkms.gcs.sdk.models.EncryptRequest;
import com.aliyun.dkms.gcs.sdk.models.EncryptResponse;
import com.aliyun.dkms.gcs.sdk.models.GetSecretValueRequest;
import dev.sealer.credentials.CredentialFiles;
import dev.sealer.kms.KmsProvider.SealedKind;
import dev.sealer.kms.WrappedKey;
import dev.sealer.kms.aliyun.AliyunKmsProvider;
import dev.sealer.kms.aliyun.instance.KmsInstanceClient;
import dev.sealer.testsupport.OfficialSdk;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Our client and Alibaba's official SDK against the application's embedded emulator, each reading
 * the other's output: what one encrypts the other decrypts to the same plaintext, and both read the
 * same secret. The SDK uses the emulator's credential files as a user would.
 */
@QuarkusTest
class OfficialSdkCrossCheckTest {

    private static final byte[] DATA_KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    @Inject
    AliyunKmsProvider provider;

    @Inject
    KmsEmulator emulator;

    @AfterEach
    void forgetConnections() {
        OfficialSdk.forgetConnections();
    }

    private Client sdk() {
        return OfficialSdk.client(
                emulator.endpoint(),
                emulator.credentialDir().resolve(CredentialFiles.clientKeyFileName(emulator.clientKeyId())),
                emulator.credentialDir().resolve(CredentialFiles.passwordFileName(emulator.clientKeyId())),
                emulator.credentialDir().resolve(CredentialFiles.caFileName(emulator.instanceId())));
    }

    private KmsInstanceClient ours() {
        return (KmsInstanceClient) provider.envelopeKey(provider.settings(SealedKind.ENVELOPE, Map.of()));
    }

    @Test
    void blobEncryptedByOurClient_decryptsWithTheSdkToTheSamePlaintext() throws Exception {
        WrappedKey wrapped = ours().encrypt("key-emulator-0002", DATA_KEY);

        byte[] plaintext = sdk().decrypt(new DecryptRequest()
                        .setKeyId("key-emulator-0002")
                        .setCiphertextBlob(wrapped.ciphertext())
                        .setIv(Base64.getDecoder().decode(wrapped.annotations().get(KmsInstanceClient.ANNOTATION_IV)))
                        .setAlgorithm("AES_GCM"))
                .getPlaintext();

        assertThat(plaintext).isEqualTo(DATA_KEY);
    }

    @Test
    void blobEncryptedByTheSdk_decryptsWithOurClientToTheSamePlaintext() throws Exception {
        EncryptResponse encrypted = sdk().encrypt(new EncryptRequest()
                .setKeyId("alias/test-alias")
                .setPlaintext(DATA_KEY)
                .setAlgorithm("AES_GCM"));

        byte[] plaintext = ours().decrypt(
                        "alias/test-alias",
                        encrypted.getCiphertextBlob(),
                        Map.of(
                                KmsInstanceClient.ANNOTATION_IV,
                                Base64.getEncoder().encodeToString(encrypted.getIv())));

        assertThat(plaintext).isEqualTo(DATA_KEY);
    }

    @Test
    void secret_readByOurClientAndTheSdk_isTheSame() throws Exception {
        String bySdk = sdk().getSecretValue(new GetSecretValueRequest().setSecretName("db-password"))
                .getSecretData();

        assertThat(new String(ours().getSecret("db-password", Map.of()), StandardCharsets.UTF_8))
                .isEqualTo(bySdk);
    }
}
