package bench.sdk;

import com.aliyun.dkms.gcs.openapi.models.Config;
import com.aliyun.dkms.gcs.sdk.Client;
import com.aliyun.dkms.gcs.sdk.models.DecryptRequest;
import com.aliyun.dkms.gcs.sdk.models.DecryptResponse;
import com.aliyun.dkms.gcs.sdk.models.EncryptRequest;
import com.aliyun.dkms.gcs.sdk.models.EncryptResponse;
import io.quarkus.funqy.Funq;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * What a user would write by hand instead of the sealer: two Funqy functions around Alibaba's official
 * SDK on one client, built once from the client key file, its password and the instance's CA, as the
 * SDK's documentation shows. {@code encrypt} is the SDK's {@code Encrypt} of the given bytes under the
 * configured key, {@code decrypt} its {@code Decrypt}; no signature, no envelope, no authentication of
 * the caller. The bytes travel base64-encoded in JSON (Jackson's default for {@code byte[]}).
 */
@Singleton
public class SdkFunctions {

    public record EncryptInput(byte[] plaintext) {}

    public record Ciphertext(byte[] ciphertextBlob, byte[] iv) {}

    public record Plaintext(byte[] plaintext) {}

    @Inject
    @ConfigProperty(name = "kms.endpoint")
    String endpoint;

    @Inject
    @ConfigProperty(name = "kms.client-key-file")
    String clientKeyFile;

    @Inject
    @ConfigProperty(name = "kms.password-file")
    String passwordFile;

    @Inject
    @ConfigProperty(name = "kms.ca-file")
    String caFile;

    @Inject
    @ConfigProperty(name = "kms.key-id")
    String keyId;

    private Client client;

    @PostConstruct
    void buildClient() throws Exception {
        String password = Files.readString(Path.of(passwordFile), StandardCharsets.UTF_8).strip();
        client = new Client(new Config()
                .setProtocol("https")
                .setEndpoint(endpoint)
                .setClientKeyFile(clientKeyFile)
                .setPassword(password)
                .setCaFilePath(caFile));
    }

    @Funq
    public Ciphertext encrypt(EncryptInput input) throws Exception {
        EncryptResponse response = client.encrypt(new EncryptRequest()
                .setKeyId(keyId)
                .setPlaintext(input.plaintext())
                .setAlgorithm("AES_GCM"));
        return new Ciphertext(response.getCiphertextBlob(), response.getIv());
    }

    @Funq
    public Plaintext decrypt(Ciphertext input) throws Exception {
        DecryptResponse response = client.decrypt(new DecryptRequest()
                .setKeyId(keyId)
                .setCiphertextBlob(input.ciphertextBlob())
                .setIv(input.iv())
                .setAlgorithm("AES_GCM"));
        return new Plaintext(response.getPlaintext());
    }
}
