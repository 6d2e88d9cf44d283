package dev.sealer.credentials;

import dev.sealer.FileStamp;
import dev.sealer.SafeIds;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Exactly one client key and one CA bundle, named explicitly: as files anywhere on disk (user mode)
 * or as configuration values, e.g. environment variables on a host that cannot mount files. It
 * serves the one KMS instance it is configured for and the client key whose {@code KeyId} is in the
 * client key JSON; any other pair is {@code CREDENTIALS_NOT_FOUND}.
 */
public final class ExplicitCredentialStore implements CredentialStore {

    /** One credential: a file (re-read when it changes) or a fixed value. */
    public interface Source {
        byte[] read();

        String stamp();

        String describe();

        static Source file(Path file) {
            Path absolute = file.toAbsolutePath().normalize();
            return new Source() {
                public byte[] read() {
                    return CredentialFiles.read(absolute);
                }

                public String stamp() {
                    return FileStamp.of(absolute);
                }

                public String describe() {
                    return absolute.toString();
                }
            };
        }

        /** A value from configuration; {@code name} is the property name, used in messages. */
        static Source value(String name, String value) {
            return new Source() {
                public byte[] read() {
                    byte[] content = value.getBytes(StandardCharsets.UTF_8);
                    CredentialFiles.requireUnsealed(content, "property " + name);
                    return content;
                }

                public String stamp() {
                    return "fixed";
                }

                public String describe() {
                    return "property " + name;
                }
            };
        }
    }

    private final String instanceId;
    private final Source clientKey;
    private final Source password;
    private final Source ca;

    public ExplicitCredentialStore(String instanceId, Source clientKey, Source password, Source ca) {
        this.instanceId = SafeIds.require("aliyun.kms.instance-id", instanceId);
        this.clientKey = clientKey;
        this.password = password;
        this.ca = ca;
    }

    @Override
    public KmsCredentials load(String requestedInstanceId, String clientKeyId) {
        SafeIds.require("kms_instance_id", requestedInstanceId);
        SafeIds.require("client_key_id", clientKeyId);
        if (!instanceId.equals(requestedInstanceId)) {
            throw CredentialFiles.notFound(
                    "no credentials for the requested KMS instance",
                    "KMS instance " + requestedInstanceId + " requested, only " + instanceId + " is configured");
        }
        ClientKey key = CredentialFiles.parseClientKey(clientKey.read(), password.read(), null, clientKey.describe());
        if (!key.id().equals(clientKeyId)) {
            throw CredentialFiles.notFound(
                    "no credentials for the requested client key",
                    "client key " + clientKeyId + " requested, only " + key.id() + " is configured");
        }
        return new KmsCredentials(instanceId, key, CredentialFiles.parseCertificates(ca.read(), ca.describe()));
    }

    @Override
    public Object version(String instanceId, String clientKeyId) {
        return List.of(clientKey.stamp(), password.stamp(), ca.stamp());
    }

    @Override
    public String describe() {
        return "client key " + clientKey.describe() + ", CA " + ca.describe();
    }
}
