package dev.sealer.kms.aliyun.instance;

import dev.sealer.credentials.KmsCredentials;
import io.quarkus.tls.BaseTlsConfiguration;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.TrustOptions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS for one KMS instance and client key, in the form of the Quarkus TLS registry: trust anchors
 * are every certificate of {@code PrivateKmsCA_<instance>.pem} (root and sub-CA), key material is
 * the client key with its certificate (presented when the server asks for one). Host names are
 * verified (HTTPS rules); nothing here trusts all.
 *
 * <p>The in-memory key store holds the private key under a random password that never leaves this
 * object.
 */
final class KmsTlsConfiguration extends BaseTlsConfiguration {

    private final KeyStore keyStore;
    private final KeyStore trustStore;
    private final KeyManagerFactory keyManagers;
    private final TrustManagerFactory trustManagers;

    KmsTlsConfiguration(KmsCredentials credentials) {
        try {
            char[] password = randomPassword();
            keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(null, null);
            keyStore.setKeyEntry("client-key", credentials.clientKey().privateKey(), password, new X509Certificate[] {
                credentials.clientKey().certificate()
            });
            keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keyStore, password);

            trustStore = KeyStore.getInstance("PKCS12");
            trustStore.load(null, null);
            List<X509Certificate> anchors = credentials.caCertificates();
            for (int i = 0; i < anchors.size(); i++) {
                trustStore.setCertificateEntry("kms-ca-" + i, anchors.get(i));
            }
            trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trustStore);
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException(
                    "cannot build TLS material for KMS instance " + credentials.instanceId(), e);
        }
    }

    private static char[] randomPassword() {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        return Base64.getEncoder().encodeToString(random).toCharArray();
    }

    @Override
    public KeyStore getKeyStore() {
        return keyStore;
    }

    @Override
    public KeyCertOptions getKeyStoreOptions() {
        return KeyCertOptions.wrap(keyManagers);
    }

    @Override
    public KeyStore getTrustStore() {
        return trustStore;
    }

    @Override
    public TrustOptions getTrustStoreOptions() {
        return TrustOptions.wrap(trustManagers);
    }

    @Override
    public Optional<String> getHostnameVerificationAlgorithm() {
        return Optional.of("HTTPS");
    }

    @Override
    public boolean isTrustAll() {
        return false;
    }

    /** No name: these configurations are private to one client and not registered for reloads. */
    @Override
    public String getName() {
        return null;
    }
}
