package dev.sealer.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.aliyun.dkms.gcs.sdk.Client;
import com.aliyun.dkms.gcs.sdk.models.DecryptRequest;
import com.aliyun.dkms.gcs.sdk.models.EncryptRequest;
import com.aliyun.dkms.gcs.sdk.models.EncryptResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealer.credentials.ClientKey;
import dev.sealer.credentials.CredentialFiles;
import dev.sealer.kms.aliyun.instance.proto.GetSecretValueRequest;
import dev.sealer.kms.aliyun.instance.proto.GetSecretValueResponse;
import dev.sealer.testsupport.OfficialSdk;
import dev.sealer.testsupport.TestTls;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.ContentInfo;
import org.bouncycastle.asn1.pkcs.EncryptedData;
import org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.Pfx;
import org.bouncycastle.asn1.pkcs.SafeBag;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A standalone {@link EmulatorServer} on a directory: the credential files it writes have the real
 * formats (docs/FORMAT.md, "Credential files"), its state survives a restart, and it accepts client keys a user drops
 * into its directory.
 */
class EmulatorServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] PLAINTEXT = "survives a restart".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path directory;

    private Path caFile() {
        return directory.resolve(CredentialFiles.caFileName(TestEmulators.INSTANCE_ID));
    }

    private Path clientKeyFile() {
        return directory.resolve(CredentialFiles.clientKeyFileName(TestEmulators.CLIENT_KEY_ID));
    }

    private Path passwordFile() {
        return directory.resolve(CredentialFiles.passwordFileName(TestEmulators.CLIENT_KEY_ID));
    }

    private List<X509Certificate> caCertificates() throws Exception {
        return CredentialFiles.parseCertificates(Files.readAllBytes(caFile()), "ca");
    }

    // ---- restart ------------------------------------------------------------------------------

    @Test
    void restart_onTheSameDirectory_decryptsWhatTheFirstRunEncryptedWithUnchangedFiles() throws Exception {
        EncryptResponse encrypted;
        byte[] ca;
        byte[] clientKey;
        byte[] password;
        try (EmulatorServer first = TestEmulators.startFresh(directory)) {
            encrypted = sdk(first)
                    .encrypt(new EncryptRequest().setKeyId(TestEmulators.KEY_1).setPlaintext(PLAINTEXT));
            ca = Files.readAllBytes(caFile());
            clientKey = Files.readAllBytes(clientKeyFile());
            password = Files.readAllBytes(passwordFile());
        } finally {
            OfficialSdk.forgetConnections();
        }

        try (EmulatorServer second =
                new EmulatorServer(TestEmulators.settings(directory), new EmulatorFaults()).start()) {
            byte[] decrypted = sdk(second)
                    .decrypt(new DecryptRequest()
                            .setKeyId(TestEmulators.KEY_1)
                            .setCiphertextBlob(encrypted.getCiphertextBlob())
                            .setIv(encrypted.getIv()))
                    .getPlaintext();

            assertThat(decrypted).isEqualTo(PLAINTEXT);
            assertThat(Files.readAllBytes(caFile())).isEqualTo(ca);
            assertThat(Files.readAllBytes(clientKeyFile())).isEqualTo(clientKey);
            assertThat(Files.readAllBytes(passwordFile())).isEqualTo(password);
        } finally {
            OfficialSdk.forgetConnections();
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"ca", "clientKey", "password"})
    void start_onAFolderHoldingCredentialsItDidNotWrite_refusesAndLeavesThemAlone(String which) throws Exception {
        java.nio.file.Files.createDirectories(directory);
        Path foreign = switch (which) {
            case "ca" -> caFile();
            case "clientKey" -> clientKeyFile();
            default -> passwordFile();
        };
        byte[] real = "the user's real credential file".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Files.write(foreign, real);

        Throwable refused = org.assertj.core.api.Assertions.catchThrowable(
                () -> TestEmulators.startSeeded(directory).close());

        assertThat(refused).isInstanceOf(IllegalStateException.class).hasMessageContaining("will not overwrite");
        assertThat(Files.readAllBytes(foreign)).isEqualTo(real);
    }

    private Client sdk(EmulatorServer server) {
        return OfficialSdk.client(server.endpoint(), clientKeyFile(), passwordFile(), caFile());
    }

    // ---- credential file formats --------------------------------------------------------------

    @Test
    void caFile_holdsTheRootThenTheSubCa() throws Exception {
        try (EmulatorServer server = TestEmulators.startSeeded(directory)) {
            List<X509Certificate> certificates = caCertificates();

            assertThat(certificates).hasSize(2);
            X509Certificate root = certificates.get(0);
            X509Certificate subCa = certificates.get(1);
            assertThat(root.getIssuerX500Principal()).isEqualTo(root.getSubjectX500Principal());
            root.verify(root.getPublicKey());
            assertThat(root.getBasicConstraints()).as("root is a CA").isGreaterThanOrEqualTo(0);
            assertThat(subCa.getIssuerX500Principal()).isEqualTo(root.getSubjectX500Principal());
            assertThat(subCa.getSubjectX500Principal()).isNotEqualTo(root.getSubjectX500Principal());
            subCa.verify(root.getPublicKey());
            assertThat(subCa.getBasicConstraints()).as("sub-CA is a CA").isGreaterThanOrEqualTo(0);
            assertThat(subCa.getKeyUsage()[5]).as("keyCertSign").isTrue();
        }
    }

    @Test
    void serverCertificate_isIssuedByTheSubCaAndNamesLocalhostLoopbackAndTheInstanceHost() throws Exception {
        try (EmulatorServer server = TestEmulators.startSeeded(directory)) {
            X509Certificate subCa = caCertificates().get(1);

            X509Certificate[] chain = handshake(server);
            X509Certificate serverCertificate = chain[0];

            assertThat(serverCertificate.getIssuerX500Principal()).isEqualTo(subCa.getSubjectX500Principal());
            serverCertificate.verify(subCa.getPublicKey());
            assertThat(serverCertificate.getBasicConstraints()).as("not a CA").isEqualTo(-1);
            assertThat(serverCertificate.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1");
            List<String> names = new ArrayList<>();
            serverCertificate.getSubjectAlternativeNames().forEach(name -> names.add(name.get(0) + ":" + name.get(1)));
            assertThat(names)
                    .contains(
                            "2:localhost",
                            "7:127.0.0.1",
                            "2:" + TestEmulators.INSTANCE_ID + ".cryptoservice.kms.aliyuncs.com");
            assertThat(chain).as("the server sends the sub-CA along").hasSize(2);
            assertThat(chain[1]).isEqualTo(subCa);
        }
    }

    /** A TLS handshake with host name verification, trusting the CA file; returns the chain the server sent. */
    private X509Certificate[] handshake(EmulatorServer server) throws Exception {
        try (SSLSocket socket = (SSLSocket) TestTls.trusting(caFile())
                .getSocketFactory()
                .createSocket(server.endpoint().getHost(), server.endpoint().getPort())) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            return (X509Certificate[]) socket.getSession().getPeerCertificates();
        }
    }

    @Test
    void clientKeyFile_isJsonWithKeyIdAndALegacyPkcs12OpenedByTheBarePassword() throws Exception {
        try (EmulatorServer server = TestEmulators.startSeeded(directory)) {
            JsonNode json = JSON.readTree(clientKeyFile().toFile());
            String password = Files.readString(passwordFile(), StandardCharsets.UTF_8);

            assertThat(json.fieldNames()).toIterable().containsExactlyInAnyOrder("KeyId", "PrivateKeyData");
            assertThat(json.get("KeyId").asText()).isEqualTo(TestEmulators.CLIENT_KEY_ID);
            assertThat(password)
                    .as("bare format: the password and a newline")
                    .endsWith("\n")
                    .doesNotStartWith("{");
            assertThat(password.strip()).doesNotContain("\n").isNotEmpty();

            byte[] pkcs12 =
                    Base64.getDecoder().decode(json.get("PrivateKeyData").asText());
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(new ByteArrayInputStream(pkcs12), password.strip().toCharArray());
            String alias = Collections.list(store.aliases()).get(0);
            X509Certificate certificate = (X509Certificate) store.getCertificate(alias);
            assertThat(store.isKeyEntry(alias)).isTrue();
            assertThat(certificate.getSubjectX500Principal().getName())
                    .isEqualTo("CN=" + TestEmulators.INSTANCE_ID + "-client");
            assertThat(certificate.getIssuerX500Principal()).isEqualTo(certificate.getSubjectX500Principal());
            assertThat(((RSAPublicKey) certificate.getPublicKey()).getModulus().bitLength())
                    .isEqualTo(2048);
            assertLegacyEncryption(pkcs12);
        }
    }

    /** Certificate bag under RC2-40, key bag under 3DES, both 2048 iterations; SHA-1 MAC with 1 iteration. */
    private static void assertLegacyEncryption(byte[] pkcs12) {
        Pfx pfx = Pfx.getInstance(pkcs12);
        assertThat(pfx.getMacData().getMac().getAlgorithmId().getAlgorithm()).isEqualTo(OIWObjectIdentifiers.idSHA1);
        assertThat(pfx.getMacData().getIterationCount()).isEqualTo(1);
        ASN1Sequence authenticatedSafe = ASN1Sequence.getInstance(
                ASN1OctetString.getInstance(pfx.getAuthSafe().getContent()).getOctets());
        boolean sawCertificates = false;
        boolean sawKey = false;
        for (var element : authenticatedSafe) {
            ContentInfo info = ContentInfo.getInstance(element);
            if (info.getContentType().equals(PKCSObjectIdentifiers.encryptedData)) {
                var algorithm = EncryptedData.getInstance(info.getContent()).getEncryptionAlgorithm();
                assertThat(algorithm.getAlgorithm()).isEqualTo(PKCSObjectIdentifiers.pbeWithSHAAnd40BitRC2_CBC);
                assertThat(ASN1Sequence.getInstance(algorithm.getParameters())
                                .getObjectAt(1)
                                .toString())
                        .isEqualTo("2048");
                sawCertificates = true;
            } else {
                ASN1Sequence bags = ASN1Sequence.getInstance(
                        ASN1OctetString.getInstance(info.getContent()).getOctets());
                for (var bagElement : bags) {
                    SafeBag bag = SafeBag.getInstance(bagElement);
                    assertThat(bag.getBagId()).isEqualTo(PKCSObjectIdentifiers.pkcs8ShroudedKeyBag);
                    var algorithm = EncryptedPrivateKeyInfo.getInstance(bag.getBagValue())
                            .getEncryptionAlgorithm();
                    assertThat(algorithm.getAlgorithm())
                            .isEqualTo(PKCSObjectIdentifiers.pbeWithSHAAnd3_KeyTripleDES_CBC);
                    assertThat(ASN1Sequence.getInstance(algorithm.getParameters())
                                    .getObjectAt(1)
                                    .toString())
                            .isEqualTo("2048");
                    sawKey = true;
                }
            }
        }
        assertThat(sawCertificates).as("an encrypted certificate bag").isTrue();
        assertThat(sawKey).as("a shrouded key bag").isTrue();
    }

    @Test
    void firstStart_writesTheSecretFilesOwnerOnly() throws Exception {
        try (EmulatorServer server = TestEmulators.startFresh(directory)) {
            Assumptions.assumeTrue(
                    directory.getFileSystem().supportedFileAttributeViews().contains("posix"),
                    "no POSIX permissions on this file system");
            Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");

            assertThat(Files.getPosixFilePermissions(clientKeyFile())).isEqualTo(ownerOnly);
            assertThat(Files.getPosixFilePermissions(passwordFile())).isEqualTo(ownerOnly);
            assertThat(Files.getPosixFilePermissions(server.settings().stateFile()))
                    .isEqualTo(ownerOnly);
        }
    }

    // ---- a client key the user brings ---------------------------------------------------------

    @Test
    void userBroughtClientKey_inTheEmulatorsDirectory_isAcceptedOnceTheFolderIsRescanned() throws Exception {
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
        try (EmulatorServer server = TestEmulators.startSeeded(directory, now::get)) {
            String userKeyId = "KAAP.user-brought-client-key";
            EmulatorPki.Issued issued = EmulatorPki.clientKey(TestEmulators.INSTANCE_ID);
            CredentialWriter.writeClientKey(
                    directory,
                    userKeyId,
                    issued.key(),
                    issued.certificate(),
                    "the-users-own-password".toCharArray(),
                    CredentialWriter.PasswordFormat.JSON);
            ClientKey userKey = new ClientKey(userKeyId, issued.key(), issued.certificate());
            RawKmsHttps https = new RawKmsHttps(server.endpoint(), caFile());
            GetSecretValueRequest request = GetSecretValueRequest.newBuilder()
                    .setSecretName(TestEmulators.SECRET_NAME)
                    .build();

            // The emulator rescans its directory at most once a second, on an unknown id.
            assertThat(https.call("GetSecretValue", userKey, request).status())
                    .as("no rescan within the second")
                    .isEqualTo(404);
            now.addAndGet(1_000_000_001L);
            RawKmsHttps.Answer answer = https.call("GetSecretValue", userKey, request);

            assertThat(answer.status()).isEqualTo(200);
            assertThat(GetSecretValueResponse.parseFrom(answer.body()).getSecretData())
                    .isEqualTo(TestEmulators.SECRET_VALUE);
        }
    }

    @Test
    void clientKeyOutsideTheEmulatorsDirectory_isRefusedUnauthorized(@TempDir Path elsewhere) throws Exception {
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
        try (EmulatorServer server = TestEmulators.startSeeded(directory, now::get)) {
            EmulatorPki.Issued issued = EmulatorPki.clientKey(TestEmulators.INSTANCE_ID);
            ClientKey stranger = new ClientKey("KAAP.stranger", issued.key(), issued.certificate());
            CredentialWriter.writeClientKey(
                    elsewhere,
                    stranger.id(),
                    issued.key(),
                    issued.certificate(),
                    "pw".toCharArray(),
                    CredentialWriter.PasswordFormat.BARE);
            now.addAndGet(1_000_000_001L); // a rescan is due: it must not find the key either

            RawKmsHttps.Answer answer = new RawKmsHttps(server.endpoint(), caFile())
                    .call(
                            "GetSecretValue",
                            stranger,
                            GetSecretValueRequest.newBuilder()
                                    .setSecretName(TestEmulators.SECRET_NAME)
                                    .build());

            assertThat(answer.status()).isEqualTo(404);
            assertThat(answer.error().getErrorCode()).isEqualTo("Unauthorized");
        }
    }
}
