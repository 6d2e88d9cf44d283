package dev.sealer.emulator;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates shaped like a Private KMS instance's: a root CA, a regional sub-CA it signs, a TLS
 * server certificate issued by the sub-CA, and self-signed client-key certificates with CN
 * {@code <instance>-client}. RSA-2048 and SHA256withRSA throughout, like Alibaba's.
 */
public final class EmulatorPki {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration CA_VALIDITY = Duration.ofDays(3650);
    private static final Duration LEAF_VALIDITY = Duration.ofDays(1825);

    /** A private key and its certificate. The key is secret. */
    public record Issued(PrivateKey key, X509Certificate certificate) {
        @Override
        public String toString() {
            return "Issued[" + certificate.getSubjectX500Principal().getName() + "]";
        }
    }

    private EmulatorPki() {}

    public static KeyPair rsaKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048, RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Issued rootCa(String commonName) {
        KeyPair pair = rsaKeyPair();
        X500Name name = new X500Name("CN=" + commonName + ",O=Emulated Private KMS,C=CN");
        return new Issued(
                pair.getPrivate(),
                build(name, pair.getPublic(), name, pair.getPrivate(), null, CA_VALIDITY, true, null));
    }

    public static Issued subCa(String commonName, Issued issuer) {
        KeyPair pair = rsaKeyPair();
        return new Issued(
                pair.getPrivate(),
                build(
                        new X500Name("CN=" + commonName + ",O=Emulated Private KMS,C=CN"),
                        pair.getPublic(),
                        name(issuer),
                        issuer.key(),
                        issuer.certificate(),
                        CA_VALIDITY,
                        true,
                        null));
    }

    /** A TLS server certificate for the given DNS names and IP addresses. */
    public static Issued server(String commonName, List<String> dnsNames, List<String> ipAddresses, Issued issuer) {
        KeyPair pair = rsaKeyPair();
        GeneralName[] names = new GeneralName[dnsNames.size() + ipAddresses.size()];
        int i = 0;
        for (String dns : dnsNames) {
            names[i++] = new GeneralName(GeneralName.dNSName, dns);
        }
        for (String ip : ipAddresses) {
            names[i++] = new GeneralName(GeneralName.iPAddress, ip);
        }
        return new Issued(
                pair.getPrivate(),
                build(
                        new X500Name("CN=" + commonName),
                        pair.getPublic(),
                        name(issuer),
                        issuer.key(),
                        issuer.certificate(),
                        LEAF_VALIDITY,
                        false,
                        new GeneralNames(names)));
    }

    /** A self-signed client-key certificate, as the console issues with a client key. */
    public static Issued clientKey(String instanceId) {
        KeyPair pair = rsaKeyPair();
        X500Name name = new X500Name("CN=" + instanceId + "-client");
        return new Issued(
                pair.getPrivate(),
                build(name, pair.getPublic(), name, pair.getPrivate(), null, LEAF_VALIDITY, false, null));
    }

    private static X500Name name(Issued issued) {
        return X500Name.getInstance(
                issued.certificate().getSubjectX500Principal().getEncoded());
    }

    private static X509Certificate build(
            X500Name subject,
            PublicKey publicKey,
            X500Name issuerName,
            PrivateKey issuerKey,
            X509Certificate issuerCertificate,
            Duration validity,
            boolean ca,
            GeneralNames subjectAltNames) {
        try {
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    issuerName,
                    new BigInteger(127, RANDOM).add(BigInteger.ONE),
                    Date.from(now.minus(Duration.ofDays(1))),
                    Date.from(now.plus(validity)),
                    subject,
                    publicKey);
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(publicKey));
            if (issuerCertificate != null) {
                builder.addExtension(
                        Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(issuerCertificate));
            }
            if (ca) {
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                builder.addExtension(
                        Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            }
            if (subjectAltNames != null) {
                builder.addExtension(Extension.subjectAlternativeName, false, subjectAltNames);
                builder.addExtension(
                        Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            }
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuerKey)));
        } catch (CertIOException | OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot issue an emulator certificate", e);
        }
    }
}
