package dev.sealer.emulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealer.Json;
import dev.sealer.credentials.CredentialFiles;
import dev.sealer.credentials.SecretFiles;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.DERBMPString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.engines.DESedeEngine;
import org.bouncycastle.crypto.engines.RC2Engine;
import org.bouncycastle.crypto.modes.CBCBlockCipher;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.pkcs.PKCS12PfxPdu;
import org.bouncycastle.pkcs.PKCS12PfxPduBuilder;
import org.bouncycastle.pkcs.PKCS12SafeBagBuilder;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.bc.BcPKCS12MacCalculatorBuilder;
import org.bouncycastle.pkcs.bc.BcPKCS12PBEOutputEncryptorBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS12SafeBagBuilder;

/**
 * Writes credential files in exactly the formats Alibaba Cloud hands out (docs/FORMAT.md, "Credential files"), for the
 * embedded emulator and for tests (production code writes no credential but its own generated signing key, with
 * {@link SecretFiles}). The PKCS#12 uses the console's legacy encryption: certificate
 * bag under pbeWithSHAAnd40BitRC2-CBC, key bag under pbeWithSHAAnd3-KeyTripleDES-CBC, both with 2048
 * iterations, and a SHA-1 MAC with 1 iteration. Files holding secrets are created owner-only.
 */
public final class CredentialWriter {

    /** The two password file formats met in the field. */
    public enum PasswordFormat {
        /** {@code {"ClientKeyPassword": "..."}}, written by older tools. */
        JSON,
        /** The bare password followed by a newline, written by newer tools. */
        BARE
    }

    private static final ObjectMapper JSON = Json.MAPPER;
    private static final int PBE_ITERATIONS = 2048;

    private CredentialWriter() {}

    /** The DER bytes of a legacy-encrypted PKCS#12 holding {@code privateKey} and {@code certificate}. */
    public static byte[] legacyPkcs12(PrivateKey privateKey, X509Certificate certificate, char[] password) {
        try {
            var extensionUtils = new JcaX509ExtensionUtils();
            var localKeyId = extensionUtils.createSubjectKeyIdentifier(certificate.getPublicKey());
            var friendlyName = new DERBMPString("client-key");

            PKCS12SafeBagBuilder certBag = new JcaPKCS12SafeBagBuilder(certificate);
            certBag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_friendlyName, friendlyName);
            certBag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_localKeyId, localKeyId);

            OutputEncryptor keyEncryptor = new BcPKCS12PBEOutputEncryptorBuilder(
                            PKCSObjectIdentifiers.pbeWithSHAAnd3_KeyTripleDES_CBC,
                            CBCBlockCipher.newInstance(new DESedeEngine()))
                    .setIterationCount(PBE_ITERATIONS)
                    .build(password);
            PKCS12SafeBagBuilder keyBag = new JcaPKCS12SafeBagBuilder(privateKey, keyEncryptor);
            keyBag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_friendlyName, friendlyName);
            keyBag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_localKeyId, localKeyId);

            OutputEncryptor certEncryptor = new BcPKCS12PBEOutputEncryptorBuilder(
                            PKCSObjectIdentifiers.pbeWithSHAAnd40BitRC2_CBC,
                            CBCBlockCipher.newInstance(new RC2Engine()))
                    .setIterationCount(PBE_ITERATIONS)
                    .build(password);

            PKCS12PfxPduBuilder pfx = new PKCS12PfxPduBuilder();
            pfx.addEncryptedData(certEncryptor, certBag.build());
            pfx.addData(keyBag.build());
            PKCS12PfxPdu pdu = pfx.build(
                    new BcPKCS12MacCalculatorBuilder(
                                    new SHA1Digest(),
                                    new AlgorithmIdentifier(OIWObjectIdentifiers.idSHA1, DERNull.INSTANCE))
                            .setIterationCount(1),
                    password);
            return pdu.getEncoded(ASN1Encoding.DER);
        } catch (IOException | PKCSException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot build PKCS#12", e);
        }
    }

    /** Writes {@code clientKey_<id>.json} and {@code password_<id>.json} into {@code directory}. */
    public static void writeClientKey(
            Path directory,
            String clientKeyId,
            PrivateKey privateKey,
            X509Certificate certificate,
            char[] password,
            PasswordFormat format) {
        Map<String, String> clientKey = new LinkedHashMap<>();
        clientKey.put("KeyId", clientKeyId);
        clientKey.put(
                "PrivateKeyData", Base64.getEncoder().encodeToString(legacyPkcs12(privateKey, certificate, password)));
        String passwordText = format == PasswordFormat.JSON
                ? json(Map.of("ClientKeyPassword", new String(password)))
                : new String(password) + "\n";
        writeSecretFile(
                directory.resolve(CredentialFiles.passwordFileName(clientKeyId)),
                passwordText.getBytes(StandardCharsets.UTF_8));
        writeSecretFile(
                directory.resolve(CredentialFiles.clientKeyFileName(clientKeyId)),
                json(clientKey).getBytes(StandardCharsets.UTF_8));
    }

    /** Writes {@code PrivateKmsCA_<instance>.pem} with the given certificates, in order (root first). */
    public static void writeCaBundle(Path directory, String instanceId, List<X509Certificate> certificates) {
        SecretFiles.writePublic(
                directory.resolve(CredentialFiles.caFileName(instanceId)),
                pem(certificates.toArray()).getBytes(StandardCharsets.US_ASCII));
    }

    /** PEM text of certificates or keys, in order. */
    public static String pem(Object... objects) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            for (Object object : objects) {
                writer.writeObject(object);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    /** Writes a file atomically, owner-read/write only ({@link SecretFiles}). */
    public static void writeSecretFile(Path file, byte[] content) {
        SecretFiles.writeOwnerOnly(file, content);
    }

    private static String json(Object value) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
