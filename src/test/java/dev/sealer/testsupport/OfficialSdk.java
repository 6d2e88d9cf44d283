package dev.sealer.testsupport;

import com.aliyun.dkms.gcs.openapi.models.Config;
import com.aliyun.dkms.gcs.sdk.Client;
import com.aliyun.tea.okhttp.ClientHelper;
import dev.sealer.credentials.CredentialFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Alibaba's official Java SDK for the KMS-instance API ({@code com.aliyun:alibabacloud-dkms-gcs-sdk}),
 * the protocol oracle of the tests, configured as its documentation shows: client key file,
 * password, CA file. Independent of the production client. It trusts only the sub-CA of the CA
 * file (the second certificate) and does not verify host names.
 */
public final class OfficialSdk {

    private OfficialSdk() {}

    /** A client from a credential directory in the CDH's layout. */
    public static Client client(URI endpoint, Path credentialDir, String instanceId, String clientKeyId) {
        return client(
                endpoint,
                credentialDir.resolve(CredentialFiles.clientKeyFileName(clientKeyId)),
                credentialDir.resolve(CredentialFiles.passwordFileName(clientKeyId)),
                credentialDir.resolve(CredentialFiles.caFileName(instanceId)));
    }

    /**
     * @param passwordFile a password file in the bare format (newer tools), trailing newline included
     */
    public static Client client(URI endpoint, Path clientKeyFile, Path passwordFile, Path caFile) {
        try {
            String password = new String(Files.readAllBytes(passwordFile), StandardCharsets.UTF_8).strip();
            return new Client(new Config()
                    .setProtocol("https")
                    .setEndpoint(endpoint.getHost() + ":" + endpoint.getPort())
                    .setClientKeyFile(clientKeyFile.toString())
                    .setPassword(password)
                    .setCaFilePath(caFile.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("the official SDK refused its configuration", e);
        }
    }

    /**
     * The SDK caches one OkHttp client (with its TLS trust) per host:port for the life of the JVM;
     * tests that reuse a port with other trust must forget it.
     */
    public static void forgetConnections() {
        ClientHelper.clients.clear();
    }
}
