package dev.sealer.testsupport;

import com.aliyun.dkms.gcs.openapi.models.Config;
import com.aliyun.dkms.gcs.sdk.Client;
import dev.sealer.credentials.CredentialFiles;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Alibaba's official Java SDK for the KMS-instance API, configured from a credential directory: the
 * protocol oracle of the tests. Independent of the production client.
 */
public final class OfficialSdk {

    private OfficialSdk() {
    }

    public static Client client(URI endpoint, Path credentialDir, String instanceId, String clientKeyId) {
        try {
            String password = Files.readString(credentialDir.resolve(CredentialFiles.passwordFileName(clientKeyId)),
                    StandardCharsets.UTF_8).strip();
            return new Client(new Config()
                    .setProtocol("https")
                    .setEndpoint(endpoint.getHost() + ":" + endpoint.getPort())
                    .setClientKeyFile(credentialDir.resolve(CredentialFiles.clientKeyFileName(clientKeyId)).toString())
                    .setPassword(password)
                    .setCaFilePath(credentialDir.resolve(CredentialFiles.caFileName(instanceId)).toString()));
        } catch (Exception e) {
            throw new IllegalStateException("cannot build the official SDK client", e);
        }
    }
}
