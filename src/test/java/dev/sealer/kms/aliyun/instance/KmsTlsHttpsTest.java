package dev.sealer.kms.aliyun.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.sealer.ErrorCode;
import dev.sealer.credentials.CredentialFiles;
import dev.sealer.credentials.DirectoryCredentialStore;
import dev.sealer.emulator.EmulatorFaults;
import dev.sealer.emulator.EmulatorServer;
import dev.sealer.emulator.KmsEmulator;
import dev.sealer.kms.KmsFailureException;
import dev.sealer.testsupport.TestTls;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS to the KMS is verified: the server certificate must chain to the CA file of the instance,
 * and the endpoint host must be in the certificate. A second emulator ("other") has its own CA,
 * server certificate and client key in a temporary directory and listens twice on that state: on
 * 127.0.0.1 (endpoint {@code https://localhost:<port>}, in its certificate) and on 127.0.0.2 (not
 * in its certificate, which names localhost, 127.0.0.1, ::1 and the instance host).
 */
@QuarkusTest
class KmsTlsHttpsTest {

    private static final String OTHER_INSTANCE = "kst-tls00000000000000001";
    private static final String OTHER_CLIENT_KEY = "KAAP.tls-test-client-key";
    private static final byte[] DATA_KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    static Path otherDirectory;

    private static final EmulatorFaults otherCounter = new EmulatorFaults();
    private static EmulatorServer other;
    /** The same state as {@link #other}, on 127.0.0.2; null where that address cannot be bound. */
    private static EmulatorServer otherOnUnnamedAddress;

    private static String unnamedAddressProblem;

    @Inject
    KmsEmulator emulator;

    private final List<KmsInstanceClients> built = new ArrayList<>();

    @BeforeAll
    static void startOtherEmulator() {
        EmulatorServer.Settings settings = EmulatorServer.Settings.forTests(
                otherDirectory, OTHER_INSTANCE, OTHER_CLIENT_KEY, List.of("key-other-0001"), Map.of());
        other = new EmulatorServer(settings, otherCounter).start();
        try {
            otherOnUnnamedAddress = new EmulatorServer(
                            new EmulatorServer.Settings(
                                    settings.directory(),
                                    settings.stateFile(),
                                    "127.0.0.2",
                                    0,
                                    settings.instanceId(),
                                    settings.clientKeyId(),
                                    settings.keys(),
                                    settings.secrets(),
                                    settings.maxClockSkew()),
                            new EmulatorFaults())
                    .start();
        } catch (IllegalStateException e) {
            unnamedAddressProblem = e.getMessage();
        }
    }

    @AfterAll
    static void stopOtherEmulator() {
        if (otherOnUnnamedAddress != null) {
            otherOnUnnamedAddress.close();
        }
        if (other != null) {
            other.close();
        }
    }

    @AfterEach
    void close() {
        built.forEach(KmsInstanceClients::close);
    }

    private KmsInstanceClient client(Path credentialDir, String instanceId, String clientKeyId, URI endpoint) {
        KmsInstanceClients clients = TestFactories.clients(new DirectoryCredentialStore(credentialDir), id -> endpoint);
        built.add(clients);
        return clients.get(new KmsInstanceClients.Key(instanceId, clientKeyId));
    }

    @Test
    void call_endpointWithTheOtherEmulatorsCredentials_succeeds() {
        KmsInstanceClient client = client(otherDirectory, OTHER_INSTANCE, OTHER_CLIENT_KEY, other.endpoint());

        assertThat(client.encrypt("key-other-0001", DATA_KEY).ciphertext()).isNotEmpty();
    }

    @Test
    void call_serverCertificateNotChainingToTheCaFile_isKmsUnavailableMentioningTls() {
        KmsInstanceClient client =
                client(emulator.credentialDir(), emulator.instanceId(), emulator.clientKeyId(), other.endpoint());

        otherCounter.resetCounts();
        KmsFailureException failure =
                catchThrowableOfType(KmsFailureException.class, () -> client.encrypt("key-other-0001", DATA_KEY));

        assertThat(failure).isNotNull();
        assertThat(otherCounter.requests())
                .as("refused at the handshake, and a TLS failure is not retried")
                .isZero();
        assertThat(failure.errorCode()).isEqualTo(ErrorCode.KMS_UNAVAILABLE);
        assertThat(failure.getMessage()).contains("TLS");
        assertThat(failure.logMessage()).contains(other.endpoint().toString());
    }

    @Test
    void call_hostNotInTheServerCertificate_isKmsUnavailableMentioningTls() throws Exception {
        Assumptions.assumeTrue(
                otherOnUnnamedAddress != null, () -> "127.0.0.2 cannot be bound here: " + unnamedAddressProblem);
        URI unnamed = otherOnUnnamedAddress.endpoint();
        assertThat(unnamed.getHost()).isEqualTo("127.0.0.2");
        KmsInstanceClient client = client(otherDirectory, OTHER_INSTANCE, OTHER_CLIENT_KEY, unnamed);

        KmsFailureException failure =
                catchThrowableOfType(KmsFailureException.class, () -> client.encrypt("key-other-0001", DATA_KEY));

        assertThat(failure).isNotNull();
        assertThat(failure.errorCode()).isEqualTo(ErrorCode.KMS_UNAVAILABLE);
        assertThat(failure.getMessage()).contains("TLS");
        assertThat(failure.logMessage()).contains("127.0.0.2");
        // The chain itself is trusted there: only the host name check can have refused it.
        assertThat(handshakeWithoutHostCheck(
                        unnamed, otherDirectory.resolve(CredentialFiles.caFileName(OTHER_INSTANCE))))
                .isEqualTo(other.settings().instanceId() + ".cryptoservice.kms.aliyuncs.com");
    }

    /** A bare TLS handshake trusting the CA file, without host name verification; returns the server certificate's CN. */
    private static String handshakeWithoutHostCheck(URI endpoint, Path caFile) throws Exception {
        SSLContext context = TestTls.trusting(caFile);
        try (SSLSocket socket =
                (SSLSocket) context.getSocketFactory().createSocket(endpoint.getHost(), endpoint.getPort())) {
            socket.startHandshake();
            X509Certificate server = (X509Certificate) socket.getSession().getPeerCertificates()[0];
            return server.getSubjectX500Principal().getName().replace("CN=", "");
        }
    }
}
