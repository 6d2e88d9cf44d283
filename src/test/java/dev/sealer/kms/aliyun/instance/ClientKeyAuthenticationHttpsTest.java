package dev.sealer.kms.aliyun.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.sealer.ErrorCode;
import dev.sealer.credentials.CredentialFiles;
import dev.sealer.credentials.DirectoryCredentialStore;
import dev.sealer.emulator.CredentialWriter;
import dev.sealer.emulator.EmulatorPki;
import dev.sealer.emulator.KmsEmulator;
import dev.sealer.kms.KmsFailureException;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our client signing with a client key the KMS does not know, or with another private key under a
 * known id: the KMS answers with the protocol errors of the real service ({@code 404 Unauthorized},
 * {@code 401 SignatureNotMatch}), not a TLS failure, and the client reports them as such. The key
 * files are written into a temporary directory (with the emulator's CA file), never into the
 * emulator's own.
 */
@QuarkusTest
class ClientKeyAuthenticationHttpsTest {

    private static final byte[] DATA_KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    @Inject
    KmsEmulator emulator;

    @TempDir
    Path directory;

    private KmsInstanceClients clients;

    @AfterEach
    void close() {
        if (clients != null) {
            clients.close();
        }
    }

    private KmsInstanceClient clientWithNewKey(String clientKeyId) throws IOException {
        EmulatorPki.Issued key = EmulatorPki.clientKey(emulator.instanceId());
        CredentialWriter.writeClientKey(
                directory,
                clientKeyId,
                key.key(),
                key.certificate(),
                "a password".toCharArray(),
                CredentialWriter.PasswordFormat.BARE);
        String caFile = CredentialFiles.caFileName(emulator.instanceId());
        Files.copy(emulator.credentialDir().resolve(caFile), directory.resolve(caFile));
        clients = TestFactories.clients(new DirectoryCredentialStore(directory), id -> emulator.endpoint());
        return clients.get(new KmsInstanceClients.Key(emulator.instanceId(), clientKeyId));
    }

    @Test
    void call_signedByAnUnknownClientKey_isRefusedUnauthorized() throws IOException {
        KmsInstanceClient stranger = clientWithNewKey("KAAP.client-key-the-kms-never-saw");

        KmsFailureException refused =
                catchThrowableOfType(KmsFailureException.class, () -> stranger.encrypt("key-emulator-0001", DATA_KEY));

        assertThat(refused).as("a KMS answer, not a transport failure").isNotNull();
        assertThat(refused.errorCode())
                .as("the service's credentials, not the caller's fault")
                .isEqualTo(ErrorCode.KMS_ERROR);
        assertThat(refused.kmsErrorCode()).isEqualTo("Unauthorized");
        assertThat(refused.kmsRequestId()).isNotBlank();
    }

    @Test
    void call_signedByAnotherPrivateKeyUnderAKnownId_isRefusedSignatureNotMatch() throws IOException {
        KmsInstanceClient impostor = clientWithNewKey(emulator.clientKeyId());

        KmsFailureException refused =
                catchThrowableOfType(KmsFailureException.class, () -> impostor.encrypt("key-emulator-0001", DATA_KEY));

        assertThat(refused).as("a KMS answer, not a transport failure").isNotNull();
        assertThat(refused.errorCode()).isEqualTo(ErrorCode.KMS_ERROR);
        assertThat(refused.kmsErrorCode()).isEqualTo("SignatureNotMatch");
    }
}
