package dev.sealer.credentials;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * An Alibaba Cloud KMS client key: its id (the access key id of every request), its RSA private
 * key (secret: signs requests and authenticates TLS) and its certificate (public).
 * {@link #toString()} never shows the private key.
 */
public final class ClientKey {

    private final String id;
    private final PrivateKey privateKey;
    private final X509Certificate certificate;

    public ClientKey(String id, PrivateKey privateKey, X509Certificate certificate) {
        this.id = Objects.requireNonNull(id);
        this.privateKey = Objects.requireNonNull(privateKey);
        this.certificate = Objects.requireNonNull(certificate);
    }

    public String id() {
        return id;
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    @Override
    public String toString() {
        return "ClientKey[id=" + id + ", subject="
                + certificate.getSubjectX500Principal().getName() + "]";
    }
}
