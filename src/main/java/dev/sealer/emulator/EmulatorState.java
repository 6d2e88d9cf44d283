package dev.sealer.emulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealer.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the emulator must remember across restarts, in one owner-only JSON file: its CA and
 * server keys, its client key and password, and the AES-256 material of every KMS key. Secret as a
 * whole; it exists only because the emulator is a development tool.
 */
record EmulatorState(
        Pair rootCa, Pair subCa, Pair server, Pair clientKey, String clientKeyPassword, Map<String, KeyMaterial> keys) {

    private static final ObjectMapper JSON = Json.MAPPER;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A private key (PKCS#8) and its certificate (DER), both std base64. */
    record Pair(String key, String certificate) {

        static Pair of(EmulatorPki.Issued issued) {
            try {
                return new Pair(
                        Base64.getEncoder().encodeToString(issued.key().getEncoded()),
                        Base64.getEncoder().encodeToString(issued.certificate().getEncoded()));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        EmulatorPki.Issued issued() {
            try {
                PrivateKey privateKey = KeyFactory.getInstance("RSA")
                        .generatePrivate(
                                new PKCS8EncodedKeySpec(Base64.getDecoder().decode(key)));
                X509Certificate x509 = (X509Certificate) CertificateFactory.getInstance("X.509")
                        .generateCertificate(
                                new ByteArrayInputStream(Base64.getDecoder().decode(certificate)));
                return new EmulatorPki.Issued(privateKey, x509);
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw new IllegalStateException("the emulator state file is corrupt", e);
            }
        }

        @Override
        public String toString() {
            return "Pair[...]";
        }
    }

    /**
     * One AES-256 KMS key: its material, and a random public handle written at the head of every
     * ciphertext blob so that a blob presented with another key is recognised, as the real service
     * does.
     */
    record KeyMaterial(String material, String handle) {

        static KeyMaterial generate() {
            byte[] material = new byte[32];
            byte[] handle = new byte[16];
            RANDOM.nextBytes(material);
            RANDOM.nextBytes(handle);
            return new KeyMaterial(
                    Base64.getEncoder().encodeToString(material),
                    Base64.getEncoder().encodeToString(handle));
        }

        @Override
        public String toString() {
            return "KeyMaterial[handle=" + handle + "]";
        }
    }

    static EmulatorState generate(String instanceId) {
        EmulatorPki.Issued root = EmulatorPki.rootCa("Emulated Private KMS Root CA");
        EmulatorPki.Issued sub = EmulatorPki.subCa("Emulated Private KMS Sub CA " + instanceId, root);
        EmulatorPki.Issued server = EmulatorPki.server(
                instanceId + ".cryptoservice.kms.aliyuncs.com",
                List.of("localhost", instanceId + ".cryptoservice.kms.aliyuncs.com"),
                List.of("127.0.0.1", "::1"),
                sub);
        byte[] password = new byte[18];
        RANDOM.nextBytes(password);
        return new EmulatorState(
                Pair.of(root),
                Pair.of(sub),
                Pair.of(server),
                Pair.of(EmulatorPki.clientKey(instanceId)),
                Base64.getUrlEncoder().withoutPadding().encodeToString(password),
                new LinkedHashMap<>());
    }

    static EmulatorState load(Path file) {
        try {
            return JSON.readValue(file.toFile(), EmulatorState.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the emulator state " + file, e);
        }
    }

    /** This state with a key added for every name it lacks. */
    EmulatorState withKeys(List<String> names) {
        Map<String, KeyMaterial> all = new LinkedHashMap<>(keys == null ? Map.of() : keys);
        names.forEach(name -> all.computeIfAbsent(name, n -> KeyMaterial.generate()));
        return new EmulatorState(rootCa, subCa, server, clientKey, clientKeyPassword, all);
    }

    void save(Path file) {
        try {
            CredentialWriter.writeSecretFile(
                    file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(this));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return "EmulatorState[keys=" + (keys == null ? 0 : keys.size()) + "]";
    }
}
