package dev.sealer.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.sealer.ErrorCode;
import dev.sealer.SealerException;
import dev.sealer.emulator.CredentialWriter;
import dev.sealer.emulator.CredentialWriter.PasswordFormat;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.ContentInfo;
import org.bouncycastle.asn1.pkcs.EncryptedData;
import org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.MacData;
import org.bouncycastle.asn1.pkcs.PKCS12PBEParams;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.operator.bc.BcDefaultDigestProvider;
import org.bouncycastle.pkcs.PKCS12PfxPdu;
import org.bouncycastle.pkcs.PKCS12SafeBag;
import org.bouncycastle.pkcs.PKCS12SafeBagFactory;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.bc.BcPKCS12MacCalculatorBuilderProvider;
import org.bouncycastle.pkcs.bc.BcPKCS12PBEInputDecryptorProviderBuilder;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The credential files of docs/FORMAT.md ("Credential files"): the console's legacy PKCS#12 (made here with the OpenSSL CLI),
 * both password formats, the CA bundle, and the errors for every way they can be wrong.
 */
class CredentialFilesTest {

    private static final String CLIENT_KEY_ID = "KAAP.11111111-2222-3333-4444-555555555555";
    private static final String INSTANCE_ID = "kst-test";
    private static final String PASSWORD = TestClientKeys.OPENSSL_FIXTURE_PASSWORD;

    /** The PKCS#12 structure Alibaba's console hands out (docs/FORMAT.md, "Credential files"), as {@link #structureOf} summarizes it. */
    private static final Pkcs12Structure CONSOLE_STRUCTURE = new Pkcs12Structure(
            List.of(
                    new SafeSummary(
                            PKCSObjectIdentifiers.encryptedData,
                            PKCSObjectIdentifiers.pbeWithSHAAnd40BitRC2_CBC,
                            2048,
                            List.of(PKCSObjectIdentifiers.certBag),
                            null,
                            -1),
                    new SafeSummary(
                            PKCSObjectIdentifiers.data,
                            null,
                            -1,
                            List.of(PKCSObjectIdentifiers.pkcs8ShroudedKeyBag),
                            PKCSObjectIdentifiers.pbeWithSHAAnd3_KeyTripleDES_CBC,
                            2048)),
            OIWObjectIdentifiers.idSHA1,
            1);

    @TempDir
    static Path opensslDirectory;

    private static byte[] opensslPkcs12;

    @TempDir
    Path directory;

    /** A second self-signed certificate, as a root CA in bundles (RSA key generation is slow: made once). */
    private static X509Certificate testRoot;
    /** The files CredentialWriter writes for the shared fixture key, made once and copied where needed. */
    private static Path writtenFiles;

    @BeforeAll
    static void makeFixturesOnce() throws IOException, InterruptedException {
        opensslPkcs12 = TestClientKeys.opensslConsolePkcs12(opensslDirectory);
        testRoot = TestClientKeys.selfSigned("Test Root CA").certificate();
        var fixture = TestClientKeys.shared();
        writtenFiles = Files.createDirectory(opensslDirectory.resolve("written"));
        CredentialWriter.writeClientKey(
                writtenFiles,
                CLIENT_KEY_ID,
                fixture.keyPair().getPrivate(),
                fixture.certificate(),
                PASSWORD.toCharArray(),
                PasswordFormat.BARE);
        CredentialWriter.writeCaBundle(writtenFiles, INSTANCE_ID, List.of(fixture.certificate()));
    }

    // ---- the console's client key, made by OpenSSL ------------------------------------------

    @Test
    void opensslConsoleClientKey_withBarePasswordAndTrailingNewline_loads() throws IOException {
        ClientKey key = CredentialFiles.parseClientKey(
                TestClientKeys.clientKeyJson(CLIENT_KEY_ID, opensslPkcs12),
                (PASSWORD + "\n").getBytes(StandardCharsets.UTF_8),
                CLIENT_KEY_ID,
                "test");

        assertMatchesOpensslFiles(key);
    }

    @Test
    void opensslConsoleClientKey_withJsonPassword_loads() throws IOException {
        String passwordJson = "{\"ClientKeyPassword\": \"" + PASSWORD.replace("\"", "\\\"") + "\"}";

        ClientKey key = CredentialFiles.parseClientKey(
                TestClientKeys.clientKeyJson(CLIENT_KEY_ID, opensslPkcs12),
                passwordJson.getBytes(StandardCharsets.UTF_8),
                CLIENT_KEY_ID,
                "test");

        assertMatchesOpensslFiles(key);
    }

    @Test
    void opensslConsoleClientKey_inDirectoryStore_loadsWithCaBundle() throws IOException {
        Files.write(
                directory.resolve("clientKey_" + CLIENT_KEY_ID + ".json"),
                TestClientKeys.clientKeyJson(CLIENT_KEY_ID, opensslPkcs12));
        Files.writeString(directory.resolve("password_" + CLIENT_KEY_ID + ".json"), PASSWORD + "\r\n");
        Files.write(
                directory.resolve("PrivateKmsCA_" + INSTANCE_ID + ".pem"),
                Files.readAllBytes(opensslDirectory.resolve("cert.pem")));

        KmsCredentials credentials = new DirectoryCredentialStore(directory).load(INSTANCE_ID, CLIENT_KEY_ID);

        assertThat(credentials.instanceId()).isEqualTo(INSTANCE_ID);
        assertMatchesOpensslFiles(credentials.clientKey());
        assertThat(credentials.caCertificates()).hasSize(1);
    }

    @Test
    void opensslConsoleClientKey_hasTheLegacyStructure() throws Exception {
        assertThat(structureOf(opensslPkcs12, PASSWORD.toCharArray())).isEqualTo(CONSOLE_STRUCTURE);
    }

    // ---- the client key CredentialWriter writes ---------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"JSON", "BARE"})
    void writtenClientKey_inEitherPasswordFormat_loads(PasswordFormat format) {
        var fixture = TestClientKeys.shared();
        CredentialWriter.writeClientKey(
                directory,
                CLIENT_KEY_ID,
                fixture.keyPair().getPrivate(),
                fixture.certificate(),
                PASSWORD.toCharArray(),
                format);

        ClientKey key = CredentialFiles.parseClientKey(
                CredentialFiles.read(directory.resolve(CredentialFiles.clientKeyFileName(CLIENT_KEY_ID))),
                CredentialFiles.read(directory.resolve(CredentialFiles.passwordFileName(CLIENT_KEY_ID))),
                CLIENT_KEY_ID,
                "test");

        assertThat(key.id()).isEqualTo(CLIENT_KEY_ID);
        assertThat(key.certificate()).isEqualTo(fixture.certificate());
        assertThat(key.privateKey().getEncoded())
                .isEqualTo(fixture.keyPair().getPrivate().getEncoded());
        assertThat(key.toString()).doesNotContain(PASSWORD);
    }

    @Test
    void writtenPasswordFiles_haveTheTwoFieldFormats() throws IOException {
        var fixture = TestClientKeys.shared();
        Path json = Files.createDirectory(directory.resolve("json"));
        Path bare = Files.createDirectory(directory.resolve("bare"));
        CredentialWriter.writeClientKey(
                json,
                CLIENT_KEY_ID,
                fixture.keyPair().getPrivate(),
                fixture.certificate(),
                "simple".toCharArray(),
                PasswordFormat.JSON);
        CredentialWriter.writeClientKey(
                bare,
                CLIENT_KEY_ID,
                fixture.keyPair().getPrivate(),
                fixture.certificate(),
                "simple".toCharArray(),
                PasswordFormat.BARE);

        assertThat(Files.readString(json.resolve("password_" + CLIENT_KEY_ID + ".json"))
                        .replaceAll("\\s", ""))
                .isEqualTo("{\"ClientKeyPassword\":\"simple\"}");
        assertThat(Files.readString(bare.resolve("password_" + CLIENT_KEY_ID + ".json")))
                .isEqualTo("simple\n");
        assertThat(Files.readString(json.resolve("clientKey_" + CLIENT_KEY_ID + ".json")))
                .contains("\"KeyId\"", "\"PrivateKeyData\"", CLIENT_KEY_ID);
    }

    @Test
    void writtenClientKey_hasTheLegacyStructure_sameAsOpenssl() throws Exception {
        var fixture = TestClientKeys.shared();
        byte[] written = CredentialWriter.legacyPkcs12(
                fixture.keyPair().getPrivate(), fixture.certificate(), PASSWORD.toCharArray());

        Pkcs12Structure writtenStructure = structureOf(written, PASSWORD.toCharArray());

        assertThat(writtenStructure).isEqualTo(CONSOLE_STRUCTURE);
        assertThat(writtenStructure).isEqualTo(structureOf(opensslPkcs12, PASSWORD.toCharArray()));
    }

    @Test
    void writtenClientKey_opensslCanRead() throws Exception {
        Assumptions.assumeTrue(
                TestClientKeys.opensslAvailable(),
                "the OpenSSL 3 command line is not installed: "
                        + "this cross-check runs where it is (the structure check above runs everywhere)");
        var fixture = TestClientKeys.shared();
        Path p12 = directory.resolve("written.p12");
        Files.write(
                p12,
                CredentialWriter.legacyPkcs12(
                        fixture.keyPair().getPrivate(), fixture.certificate(), PASSWORD.toCharArray()));

        var builder = new ProcessBuilder(
                        "openssl",
                        "pkcs12",
                        "-in",
                        p12.toString(),
                        "-legacy",
                        "-nodes",
                        "-passin",
                        "env:TEST_P12_PASSWORD")
                .redirectErrorStream(true);
        builder.environment().put("TEST_P12_PASSWORD", PASSWORD);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output)
                .contains("-----BEGIN PRIVATE KEY-----", "-----BEGIN CERTIFICATE-----", "CN = kst-test-client");
    }

    // ---- wrong password, corrupt or missing files -------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"wrong", "Pa55-w0rd", " ", "{\"ClientKeyPassword\": \"wrong\"}"})
    void clientKey_wrongPassword_isWrongPassword(String wrongPassword) {
        byte[] clientKey = TestClientKeys.clientKeyJson(CLIENT_KEY_ID, opensslPkcs12);

        SealerException e = catchThrowableOfType(
                SealerException.class,
                () -> CredentialFiles.parseClientKey(
                        clientKey, (wrongPassword + "x").getBytes(StandardCharsets.UTF_8), CLIENT_KEY_ID, "test"));

        assertThat(e.logMessage()).contains("password does not open");
        assertThat(e.errorCode()).isEqualTo(ErrorCode.CREDENTIALS_INVALID);
        assertNoSecretIn(e, wrongPassword + "x");
    }

    @Test
    void clientKey_wrongPassword_messageHasNeitherPassword() {
        byte[] clientKey = TestClientKeys.clientKeyJson(CLIENT_KEY_ID, opensslPkcs12);
        String wrong = "my-wrong-password-123";

        SealerException e = catchThrowableOfType(
                SealerException.class,
                () -> CredentialFiles.parseClientKey(
                        clientKey, wrong.getBytes(StandardCharsets.UTF_8), CLIENT_KEY_ID, "clientKey_x.json"));

        assertThat(e.logMessage()).contains("password does not open");
        assertThat(e.logMessage()).contains("clientKey_x.json");
        assertNoSecretIn(e, wrong);
        assertNoSecretIn(e, PASSWORD);
    }

    /** Where to cut the base64 (negative: from the end). Not -1: that only drops the '=' padding, no data. */
    static Stream<Integer> cutPoints() {
        return Stream.of(0, 4, 100, 1000, -400, -8, -5, -4, -2);
    }

    @ParameterizedTest
    @MethodSource("cutPoints")
    void clientKey_truncatedPkcs12Base64_isCorrupt(int cut) {
        String base64 = Base64.getEncoder().encodeToString(opensslPkcs12);
        String truncated = base64.substring(0, cut >= 0 ? cut : base64.length() + cut);
        byte[] clientKey = ("{\"KeyId\": \"" + CLIENT_KEY_ID + "\", \"PrivateKeyData\": \"" + truncated + "\"}")
                .getBytes(StandardCharsets.UTF_8);

        SealerException e = catchThrowableOfType(
                SealerException.class,
                () -> CredentialFiles.parseClientKey(
                        clientKey, PASSWORD.getBytes(StandardCharsets.UTF_8), CLIENT_KEY_ID, "test"));

        assertThat(e.errorCode()).isEqualTo(ErrorCode.CREDENTIALS_INVALID);
        assertNoSecretIn(e, PASSWORD);
    }

    @Test
    void clientKey_bitFlippedPkcs12_isRejected() {
        byte[] corrupt = opensslPkcs12.clone();
        corrupt[corrupt.length / 2] ^= 0x01;

        SealerException e = catchThrowableOfType(
                SealerException.class,
                () -> CredentialFiles.parseClientKey(
                        TestClientKeys.clientKeyJson(CLIENT_KEY_ID, corrupt),
                        PASSWORD.getBytes(StandardCharsets.UTF_8),
                        CLIENT_KEY_ID,
                        "test"));

        // a flipped bit under the MAC is indistinguishable from a wrong password; either way it is unusable
        assertThat(e.errorCode()).isEqualTo(ErrorCode.CREDENTIALS_INVALID);
        assertNoSecretIn(e, PASSWORD);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "not json",
                "",
                "[]",
                "{\"KeyId\": \"" + CLIENT_KEY_ID + "\"}",
                "{\"PrivateKeyData\": \"AAAA\"}",
                "{\"KeyId\": 5, \"PrivateKeyData\": \"AAAA\"}",
                "{\"KeyId\": \"" + CLIENT_KEY_ID + "\", \"PrivateKeyData\": []}",
                "{\"KeyId\": \"../evil\", \"PrivateKeyData\": \"AAAA\"}"
            })
    void clientKey_notAClientKeyJson_isCorrupt(String content) {
        SealerException e = catchThrowableOfType(
                SealerException.class,
                () -> CredentialFiles.parseClientKey(
                        content.getBytes(StandardCharsets.UTF_8),
                        PASSWORD.getBytes(StandardCharsets.UTF_8),
                        null,
                        "test"));

        assertThat(e.errorCode()).isEqualTo(ErrorCode.CREDENTIALS_INVALID);
        assertNoSecretIn(e, PASSWORD);
    }

    @Test
    void clientKey_keyIdNotTheRequestedOne_isCorrupt() {
        byte[] clientKey = TestClientKeys.clientKeyJson("KAAP.other", opensslPkcs12);

        SealerException e = catchThrowableOfType(
                SealerException.class,
                () -> CredentialFiles.parseClientKey(
                        clientKey, PASSWORD.getBytes(StandardCharsets.UTF_8), CLIENT_KEY_ID, "test"));

        assertThat(e.errorCode()).isEqualTo(ErrorCode.CREDENTIALS_INVALID);
        assertThat(e.logMessage()).contains("KAAP.other", CLIENT_KEY_ID);
        assertNoSecretIn(e, PASSWORD);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\n", "  \r\n\t"})
    void password_emptyFile_isCorrupt(String content) {
        SealerException e = catchThrowableOfType(
                SealerException.class,
                () -> CredentialFiles.parseClientKey(
                        TestClientKeys.clientKeyJson(CLIENT_KEY_ID, opensslPkcs12),
                        content.getBytes(StandardCharsets.UTF_8),
                        CLIENT_KEY_ID,
                        "test"));

        assertThat(e.errorCode()).isEqualTo(ErrorCode.CREDENTIALS_INVALID);
    }

    @Test
    void password_bareStartingWithBrace_isTakenAsBare() {
        char[] password = CredentialFiles.parsePassword("{not-json\n".getBytes(StandardCharsets.UTF_8), "test");

        assertThat(new String(password)).isEqualTo("{not-json");
    }

    @Test
    void password_parsed_wipesTheFileContent() {
        byte[] content = (PASSWORD + "\n").getBytes(StandardCharsets.UTF_8);

        char[] password = CredentialFiles.parsePassword(content, "test");

        assertThat(new String(password)).isEqualTo(PASSWORD);
        assertThat(content).containsOnly((byte) 0);
    }

    @Test
    void read_fileTheCdhDidNotUnseal_saysSo() throws IOException {
        Path stillSealed = Files.writeString(
                directory.resolve("password_" + CLIENT_KEY_ID + ".json"),
                "sealed.eyJhbGciOiJFUzI1NiJ9.eyJ2ZXJzaW9uIjoiMC4xLjAifQ.c2lnbmF0dXJl");

        SealerException e = catchThrowableOfType(SealerException.class, () -> CredentialFiles.read(stillSealed));

        assertThat(e.errorCode()).isEqualTo(ErrorCode.CREDENTIALS_INVALID);
        assertThat(e.getMessage()).contains("still holds a sealed secret").contains("CDH did not unseal it");
    }

    @Test
    void read_missingFile_isMissing() {
        Path missing = directory.resolve("clientKey_" + CLIENT_KEY_ID + ".json");

        SealerException e = catchThrowableOfType(SealerException.class, () -> CredentialFiles.read(missing));

        assertThat(e.errorCode()).isEqualTo(ErrorCode.CREDENTIALS_NOT_FOUND);
        assertThat(e.logMessage()).contains(missing.toString());
        assertThat(e.getMessage())
                .as("what callers see names no path")
                .doesNotContain(directory.toString())
                .doesNotContain(CLIENT_KEY_ID);
    }

    @Test
    void directoryStore_missingPasswordOrCaFile_isMissing() throws IOException {
        var fixture = TestClientKeys.shared();
        CredentialWriter.writeClientKey(
                directory,
                CLIENT_KEY_ID,
                fixture.keyPair().getPrivate(),
                fixture.certificate(),
                PASSWORD.toCharArray(),
                PasswordFormat.BARE);
        DirectoryCredentialStore store = new DirectoryCredentialStore(directory);

        SealerException noCa =
                catchThrowableOfType(SealerException.class, () -> store.load(INSTANCE_ID, CLIENT_KEY_ID));
        Files.delete(directory.resolve(CredentialFiles.passwordFileName(CLIENT_KEY_ID)));
        SealerException noPassword =
                catchThrowableOfType(SealerException.class, () -> store.load(INSTANCE_ID, CLIENT_KEY_ID));

        assertThat(noCa.errorCode()).isEqualTo(ErrorCode.CREDENTIALS_NOT_FOUND);
        assertThat(noCa.logMessage()).contains("PrivateKmsCA_" + INSTANCE_ID + ".pem");
        assertThat(noPassword.errorCode()).isEqualTo(ErrorCode.CREDENTIALS_NOT_FOUND);
        assertThat(noPassword.logMessage()).contains("password_" + CLIENT_KEY_ID + ".json");
    }

    // ---- ids are validated before any file is touched -----------------------------------------

    static Stream<String> badIds() {
        return Stream.of(
                "../x", "a/b", "..", ".", "/etc/passwd", "a\0b", "x".repeat(4096), "", null, "a b", "a\\b", "ü");
    }

    @ParameterizedTest
    @MethodSource("badIds")
    void directoryStore_badClientKeyId_isInvalidIdBeforeAnyFileIsRead(String badId) throws IOException {
        DirectoryCredentialStore store = storeWithLoadableTraversalTargets();

        SealerException e = catchThrowableOfType(SealerException.class, () -> store.load(INSTANCE_ID, badId));

        assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_ID);
        assertThat(e.logMessage()).contains("client_key_id");
        assertThatThrownBy(() -> store.version(INSTANCE_ID, badId))
                .isInstanceOf(SealerException.class)
                .extracting(t -> ((SealerException) t).errorCode())
                .isEqualTo(ErrorCode.INVALID_ID);
    }

    @ParameterizedTest
    @MethodSource("badIds")
    void directoryStore_badInstanceId_isInvalidIdBeforeAnyFileIsRead(String badId) throws IOException {
        DirectoryCredentialStore store = storeWithLoadableTraversalTargets();

        SealerException e = catchThrowableOfType(SealerException.class, () -> store.load(badId, CLIENT_KEY_ID));

        assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_ID);
        assertThat(e.logMessage()).contains("kms_instance_id");
    }

    @Test
    void directoryStore_badIdInNonexistentDirectory_isStillInvalidId() {
        // if a file were touched first, the answer would be MISSING
        DirectoryCredentialStore store = new DirectoryCredentialStore(directory.resolve("does-not-exist"));

        assertThatThrownBy(() -> store.load(INSTANCE_ID, "../x"))
                .isInstanceOf(SealerException.class)
                .extracting(t -> ((SealerException) t).errorCode())
                .isEqualTo(ErrorCode.INVALID_ID);
        assertThat(Files.exists(directory.resolve("does-not-exist"))).isFalse();
    }

    @Test
    void badId_messageDoesNotEchoTheId() {
        String hostile = "../\u0000" + "A".repeat(4000);

        SealerException e =
                catchThrowableOfType(SealerException.class, () -> CredentialFiles.clientKeyFileName(hostile));

        assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_ID);
        assertThat(e.getMessage())
                .doesNotContain("AAAA")
                .doesNotContain("\u0000")
                .hasSizeLessThan(200);
    }

    /**
     * A store whose directory holds credential files exactly where {@code ../x} would lead, so that
     * reading before validating would answer with the files' problem (CORRUPT), not INVALID_ID.
     */
    private DirectoryCredentialStore storeWithLoadableTraversalTargets() throws IOException {
        Path store = Files.createDirectories(directory.resolve("store"));
        for (String name : List.of(
                CredentialFiles.clientKeyFileName(CLIENT_KEY_ID),
                CredentialFiles.passwordFileName(CLIENT_KEY_ID),
                CredentialFiles.caFileName(INSTANCE_ID))) {
            Files.copy(writtenFiles.resolve(name), store.resolve(name));
        }
        // "clientKey_../x.json" resolves to <store>/clientKey_../x.json
        for (String prefix : List.of(
                "clientKey_..", "password_..", "PrivateKmsCA_..", "clientKey_a", "password_a", "PrivateKmsCA_a")) {
            Files.createDirectories(store.resolve(prefix));
        }
        Files.copy(
                store.resolve(CredentialFiles.clientKeyFileName(CLIENT_KEY_ID)), store.resolve("clientKey_../x.json"));
        Files.copy(store.resolve(CredentialFiles.passwordFileName(CLIENT_KEY_ID)), store.resolve("password_../x.json"));
        Files.copy(store.resolve(CredentialFiles.caFileName(INSTANCE_ID)), store.resolve("PrivateKmsCA_../x.pem"));
        return new DirectoryCredentialStore(store);
    }

    // ---- the CA bundle -----------------------------------------------------------------------

    @Test
    void caBundle_twoCertificates_bothReturnedInOrder() {
        X509Certificate root = testRoot;
        X509Certificate sub = TestClientKeys.shared().certificate();
        CredentialWriter.writeCaBundle(directory, INSTANCE_ID, List.of(root, sub));

        List<X509Certificate> certificates = CredentialFiles.parseCertificates(
                CredentialFiles.read(directory.resolve(CredentialFiles.caFileName(INSTANCE_ID))), "test");

        assertThat(certificates).containsExactly(root, sub);
    }

    @Test
    void caBundle_opensslPemWithTextAroundCertificates_bothReturnedInOrder() throws IOException {
        X509Certificate root = testRoot;
        String opensslCertificate = Files.readString(opensslDirectory.resolve("cert.pem"));
        String bundle = "subject=CN = Test Root CA\n" + CredentialWriter.pem(root) + "\n# regional sub-CA\n"
                + opensslCertificate;

        List<X509Certificate> certificates =
                CredentialFiles.parseCertificates(bundle.getBytes(StandardCharsets.US_ASCII), "test");

        assertThat(certificates).hasSize(2);
        assertThat(certificates.get(0)).isEqualTo(root);
        assertThat(certificates.get(1).getSubjectX500Principal()).isEqualTo(new X500Principal("CN=kst-test-client"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "garbage",
                "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n",
                "-----BEGIN CERTIFICATE-----\nAAAAAAAA\n-----END CERTIFICATE-----\n",
                "\u0000\u0001\u0002"
            })
    void caBundle_emptyOrGarbage_isCorrupt(String content) {
        SealerException e = catchThrowableOfType(
                SealerException.class,
                () -> CredentialFiles.parseCertificates(
                        content.getBytes(StandardCharsets.ISO_8859_1), "PrivateKmsCA_x.pem"));

        assertThat(e.errorCode()).isEqualTo(ErrorCode.CREDENTIALS_INVALID);
        assertThat(e.logMessage()).contains("PrivateKmsCA_x.pem");
    }

    @Test
    void caBundle_truncatedSecondCertificate_isCorrupt() {
        X509Certificate root = testRoot;
        String second = CredentialWriter.pem(TestClientKeys.shared().certificate());
        String bundle = CredentialWriter.pem(root) + second.substring(0, second.length() / 2);

        SealerException e = catchThrowableOfType(
                SealerException.class,
                () -> CredentialFiles.parseCertificates(bundle.getBytes(StandardCharsets.US_ASCII), "test"));

        assertThat(e.errorCode()).isEqualTo(ErrorCode.CREDENTIALS_INVALID);
    }

    // ---- rotation ------------------------------------------------------------------------------

    @Test
    void directoryStore_version_changesWhenAFileIsReplaced() throws IOException {
        var fixture = TestClientKeys.shared();
        CredentialWriter.writeClientKey(
                directory,
                CLIENT_KEY_ID,
                fixture.keyPair().getPrivate(),
                fixture.certificate(),
                PASSWORD.toCharArray(),
                PasswordFormat.BARE);
        CredentialWriter.writeCaBundle(directory, INSTANCE_ID, List.of(fixture.certificate()));
        DirectoryCredentialStore store = new DirectoryCredentialStore(directory);
        Object initial = store.version(INSTANCE_ID, CLIENT_KEY_ID);

        assertThat(store.version(INSTANCE_ID, CLIENT_KEY_ID)).isEqualTo(initial);
        CredentialWriter.writeCaBundle(directory, INSTANCE_ID, List.of(fixture.certificate())); // same bytes, new file
        Object afterCa = store.version(INSTANCE_ID, CLIENT_KEY_ID);
        CredentialWriter.writeClientKey(
                directory,
                CLIENT_KEY_ID,
                fixture.keyPair().getPrivate(),
                fixture.certificate(),
                "rotated".toCharArray(),
                PasswordFormat.JSON);
        Object afterKey = store.version(INSTANCE_ID, CLIENT_KEY_ID);
        Files.delete(directory.resolve(CredentialFiles.caFileName(INSTANCE_ID)));
        Object afterDelete = store.version(INSTANCE_ID, CLIENT_KEY_ID);

        assertThat(afterCa).isNotEqualTo(initial);
        assertThat(afterKey).isNotEqualTo(afterCa);
        assertThat(afterDelete).isNotEqualTo(afterKey);
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static void assertMatchesOpensslFiles(ClientKey key) throws IOException {
        X509Certificate opensslCertificate = CredentialFiles.parseCertificates(
                        Files.readAllBytes(opensslDirectory.resolve("cert.pem")), "cert.pem")
                .get(0);
        assertThat(key.id()).isEqualTo(CLIENT_KEY_ID);
        assertThat(key.certificate()).isEqualTo(opensslCertificate);
        assertThat(key.certificate().getSubjectX500Principal()).isEqualTo(new X500Principal("CN=kst-test-client"));
        assertThat(key.privateKey()).isInstanceOf(RSAPrivateCrtKey.class);
        RSAPrivateCrtKey privateKey = (RSAPrivateCrtKey) key.privateKey();
        RSAPublicKey publicKey = (RSAPublicKey) key.certificate().getPublicKey();
        assertThat(privateKey.getModulus()).isEqualTo(publicKey.getModulus());
        assertThat(privateKey.getPublicExponent()).isEqualTo(publicKey.getPublicExponent());
        assertThat(privateKey.getModulus().bitLength()).isEqualTo(2048);
        String opensslKeyPem = Files.readString(opensslDirectory.resolve("key.pem")); // PKCS#8, "BEGIN PRIVATE KEY"
        byte[] opensslPkcs8 = Base64.getMimeDecoder().decode(opensslKeyPem.replaceAll("-----[A-Z ]+-----", ""));
        assertThat(key.privateKey().getEncoded()).isEqualTo(opensslPkcs8);
    }

    private static void assertNoSecretIn(Throwable e, String secret) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage())).doesNotContain(secret);
            assertThat(t.toString()).doesNotContain(secret);
        }
    }

    /** One ContentInfo of the authenticated safe: its type, its encryption, its bags. */
    record SafeSummary(
            ASN1ObjectIdentifier contentType,
            ASN1ObjectIdentifier safeEncryption,
            int safeIterations,
            List<ASN1ObjectIdentifier> bagTypes,
            ASN1ObjectIdentifier keyBagEncryption,
            int keyBagIterations) {}

    record Pkcs12Structure(List<SafeSummary> safes, ASN1ObjectIdentifier macAlgorithm, int macIterations) {}

    /**
     * Reads the PKCS#12 with Bouncy Castle's ASN.1 classes (independent of the JDK key store the code
     * under test uses); also checks that the MAC verifies with the password.
     */
    static Pkcs12Structure structureOf(byte[] der, char[] password) throws Exception {
        PKCS12PfxPdu pfx = new PKCS12PfxPdu(der);
        assertThat(pfx.hasMac()).isTrue();
        assertThat(pfx.isMacValid(new BcPKCS12MacCalculatorBuilderProvider(BcDefaultDigestProvider.INSTANCE), password))
                .isTrue();
        MacData macData = pfx.toASN1Structure().getMacData();
        List<SafeSummary> safes = new ArrayList<>();
        for (ContentInfo info : pfx.getContentInfos()) {
            ASN1ObjectIdentifier safeEncryption = null;
            int safeIterations = -1;
            PKCS12SafeBagFactory bags;
            if (info.getContentType().equals(PKCSObjectIdentifiers.encryptedData)) {
                AlgorithmIdentifier algorithm =
                        EncryptedData.getInstance(info.getContent()).getEncryptionAlgorithm();
                safeEncryption = algorithm.getAlgorithm();
                safeIterations = PKCS12PBEParams.getInstance(algorithm.getParameters())
                        .getIterations()
                        .intValueExact();
                bags = new PKCS12SafeBagFactory(info, new BcPKCS12PBEInputDecryptorProviderBuilder().build(password));
            } else {
                bags = new PKCS12SafeBagFactory(info);
            }
            List<ASN1ObjectIdentifier> bagTypes = new ArrayList<>();
            ASN1ObjectIdentifier keyBagEncryption = null;
            int keyBagIterations = -1;
            for (PKCS12SafeBag bag : bags.getSafeBags()) {
                bagTypes.add(bag.getType());
                if (bag.getBagValue() instanceof PKCS8EncryptedPrivateKeyInfo shrouded) {
                    EncryptedPrivateKeyInfo info8 = shrouded.toASN1Structure();
                    keyBagEncryption = info8.getEncryptionAlgorithm().getAlgorithm();
                    keyBagIterations = PKCS12PBEParams.getInstance(
                                    info8.getEncryptionAlgorithm().getParameters())
                            .getIterations()
                            .intValueExact();
                }
            }
            safes.add(new SafeSummary(
                    info.getContentType(),
                    safeEncryption,
                    safeIterations,
                    bagTypes,
                    keyBagEncryption,
                    keyBagIterations));
        }
        BigInteger macIterations = macData.getIterationCount();
        return new Pkcs12Structure(
                safes, macData.getMac().getAlgorithmId().getAlgorithm(), macIterations.intValueExact());
    }
}
