package dev.sealer.kms.aliyun;

import java.net.URI;
import java.nio.file.Path;

/**
 * A KMS instance running inside this process (the embedded emulator). When one is active and the
 * corresponding {@code aliyun.kms.*} property is not set, the provider uses its endpoint, ids and
 * credential directory: so {@code ./mvnw quarkus:dev} works with no set-up.
 */
public interface LocalKmsInstance {

    URI endpoint();

    String instanceId();

    String clientKeyId();

    String keyId();

    Path credentialDir();

    /** The CA file of its TLS server certificate (root and sub-CA), in its credential folder. */
    Path caFile();

    /** Its instance metadata service (plain HTTP), which hands out RAM role credentials. */
    URI metadataEndpoint();
}
