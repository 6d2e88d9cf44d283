package dev.sealer.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
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
import java.util.ArrayList;
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
 * with the emulator's PKI, so the code under test is not checked against itself), and client key
 * files made with the OpenSSL CLI exactly as Alibaba's console makes them. All ids are fake.
 */
public final class TestClientKeys {

    /** A private key with its self-signed certificate. */
    public record KeyAndCertificate(KeyPair keyPair, X509Certificate certificate) {
    }

    /** The OpenSSL options of the console's legacy PKCS#12 (SPEC 2). */
    public static final List<String> CONSOLE_PKCS12_OPTIONS = List.of("-legacy", "-certpbe", "PBE-SHA1-RC2-40",
            "-keypbe", "PBE-SHA1-3DES", "-macalg", "sha1", "-iter", "2048", "-nomaciter");

    private static KeyAndCertificate shared;

    private TestClientKeys() {
    }

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
            var builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(30))), name, pair.getPublic());
            X509Certificate certificate = new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate())));
            return new KeyAndCertificate(pair, certificate);
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Makes a key and a self-signed certificate with {@code openssl req -x509}, then the PKCS#12 with
     * the console's options, in {@code workDirectory}.
     *
     * @return the DER bytes of the PKCS#12
     */
    public static byte[] opensslConsolePkcs12(Path workDirectory, String commonName, String password)
            throws IOException, InterruptedException {
        Path key = workDirectory.resolve("key.pem");
        Path certificate = workDirectory.resolve("cert.pem");
        Path pkcs12 = workDirectory.resolve("client.p12");
        run(workDirectory, List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + commonName,
                "-days", "30", "-keyout", key.toString(), "-out", certificate.toString()));
        List<String> export = new ArrayList<>(List.of("openssl", "pkcs12", "-export"));
        export.addAll(CONSOLE_PKCS12_OPTIONS);
        export.addAll(List.of("-inkey", key.toString(), "-in", certificate.toString(), "-out", pkcs12.toString(),
                "-passout", "env:TEST_P12_PASSWORD"));
        run(workDirectory, export, "TEST_P12_PASSWORD", password);
        return Files.readAllBytes(pkcs12);
    }

    /** The content of a {@code clientKey_<id>.json} around PKCS#12 bytes. */
    public static byte[] clientKeyJson(String keyId, byte[] pkcs12) {
        return ("{\"KeyId\": \"" + keyId + "\", \"PrivateKeyData\": \"" + Base64.getEncoder().encodeToString(pkcs12) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static void run(Path directory, List<String> command, String... environment)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        for (int i = 0; i < environment.length; i += 2) {
            builder.environment().put(environment[i], environment[i + 1]);
        }
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("openssl finishes").isTrue();
        assertThat(process.exitValue()).as("openssl %s: %s", command, new String(output, StandardCharsets.UTF_8)).isZero();
    }
}
