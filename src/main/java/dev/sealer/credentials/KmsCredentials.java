package dev.sealer.credentials;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Everything needed to talk to one KMS instance with one client key: the client key and the
 * certificates to trust for the instance's TLS server certificate (root CA and sub-CA, all of them
 * trust anchors). The client key's private key is secret; the rest is public.
 */
public record KmsCredentials(String instanceId, ClientKey clientKey, List<X509Certificate> caCertificates) {

    public KmsCredentials {
        caCertificates = List.copyOf(caCertificates);
    }

    @Override
    public String toString() {
        return "KmsCredentials[instance=" + instanceId + ", " + clientKey + ", ca=" + caCertificates.size()
                + " certificates]";
    }
}
