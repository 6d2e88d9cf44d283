package dev.sealer.credentials;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Test fixtures for client keys: self-signed RSA-2048 certificates made with Bouncy Castle (not
 * with the emulator's PKI, so the code under test is not checked against itself), and a client key
 * made once with the OpenSSL CLI exactly as Alibaba's console makes them (a committed fixture, so the
 * tests need only a JDK). All ids and keys are fake.
 */
public final class TestClientKeys {

    /** A private key with its self-signed certificate. */
    public record KeyAndCertificate(KeyPair keyPair, X509Certificate certificate) {}

    /** The OpenSSL options of the console's legacy PKCS#12 (docs/FORMAT.md, "Credential files"). */
    public static final List<String> CONSOLE_PKCS12_OPTIONS = List.of(
            "-legacy",
            "-certpbe",
            "PBE-SHA1-RC2-40",
            "-keypbe",
            "PBE-SHA1-3DES",
            "-macalg",
            "sha1",
            "-iter",
            "2048",
            "-nomaciter");

    private static KeyAndCertificate shared;

    private TestClientKeys() {}

    /** One key and certificate per test JVM (RSA key generation is slow); CN {@code kst-test-client}. */
    public static synchronized KeyAndCertificate shared() {
        if (shared == null) {
            shared = selfSigned("kst-test-client");
        }
        return shared;
    }

    public static KeyAndCertificate selfSigned(String commonName) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            X500Name name = new X500Name("CN=" + commonName);
            Instant now = Instant.now();
            var builder = new JcaX509v3CertificateBuilder(
                    name,
                    BigInteger.valueOf(now.toEpochMilli()),
                    Date.from(now.minus(Duration.ofDays(1))),
                    Date.from(now.plus(Duration.ofDays(30))),
                    name,
                    pair.getPublic());
            X509Certificate certificate = new JcaX509CertificateConverter()
                    .getCertificate(
                            builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate())));
            return new KeyAndCertificate(pair, certificate);
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Copies the client key made once with the OpenSSL CLI exactly as the console makes it
     * ({@code src/test/resources/fixtures/openssl-console}, see its README; password
     * {@link #OPENSSL_FIXTURE_PASSWORD}) into {@code workDirectory}: {@code key.pem}, {@code cert.pem},
     * {@code client.p12}.
     *
     * @return the DER bytes of the PKCS#12
     */
    public static byte[] opensslConsolePkcs12(Path workDirectory) throws IOException {
        for (String name : List.of("key.pem", "cert.pem", "client.p12")) {
            try (InputStream in = TestClientKeys.class.getResourceAsStream("/fixtures/openssl-console/" + name)) {
                Files.write(workDirectory.resolve(name), in.readAllBytes());
            }
        }
        return Files.readAllBytes(workDirectory.resolve("client.p12"));
    }

    /** The password of the OpenSSL-made fixture. */
    public static final String OPENSSL_FIXTURE_PASSWORD = "Pa55-w0rd:with {braces} and \"quotes\"";

    /** True when the OpenSSL 3 command line is on this machine (tests that run it are skipped otherwise). */
    public static boolean opensslAvailable() {
        try {
            Process process = new ProcessBuilder("openssl", "version")
                    .redirectErrorStream(true)
                    .start();
            String version = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0 && version.startsWith("OpenSSL 3");
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** The content of a {@code clientKey_<id>.json} around PKCS#12 bytes. */
    public static byte[] clientKeyJson(String keyId, byte[] pkcs12) {
        return ("{\"KeyId\": \"" + keyId + "\", \"PrivateKeyData\": \""
                        + Base64.getEncoder().encodeToString(pkcs12) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }
}
