package dev.sealer.kms.aliyun;

import dev.sealer.ErrorCode;
import dev.sealer.ServiceFaultException;
import dev.sealer.credentials.CredentialStore;
import dev.sealer.credentials.DirectoryCredentialStore;
import dev.sealer.credentials.ExplicitCredentialStore;
import dev.sealer.credentials.ExplicitCredentialStore.Source;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Decides, at start, where client-key credentials come from, and refuses ambiguous configurations:
 *
 * <ol>
 *   <li>values ({@code aliyun.kms.client-key-json}, {@code password}, {@code ca-pem}): all three, or none;
 *   <li>files ({@code aliyun.kms.client-key-file}, {@code password-file}, {@code ca-file}): all three, or none;
 *   <li>otherwise the folder {@code aliyun.kms.credential-dir} (or the legacy folder, when only it
 *       exists), or the embedded emulator's folder.
 * </ol>
 *
 * Values and files together are an error; values or files need {@code aliyun.kms.instance-id}.
 */
final class CredentialSources {

    private CredentialSources() {}

    /**
     * @param emulatorFolder the embedded emulator's folder, when it runs
     * @return the store, or empty when nothing at all is configured
     */
    static Optional<CredentialStore> choose(AliyunKmsConfig config, Optional<Path> emulatorFolder) {
        boolean anyValue = Stream.of(config.clientKeyJson(), config.password(), config.caPem())
                .anyMatch(Optional::isPresent);
        boolean anyFile = Stream.of(config.clientKeyFile(), config.passwordFile(), config.caFile())
                .anyMatch(Optional::isPresent);
        if (anyValue && anyFile) {
            throw invalid("set the credentials either as values (aliyun.kms.client-key-json, password, ca-pem) "
                    + "or as files (aliyun.kms.client-key-file, password-file, ca-file), not both");
        }
        if (anyValue) {
            return Optional.of(new ExplicitCredentialStore(
                    instanceId(config),
                    Source.value(
                            "aliyun.kms.client-key-json",
                            required(config.clientKeyJson(), "aliyun.kms.client-key-json")),
                    Source.value("aliyun.kms.password", required(config.password(), "aliyun.kms.password")),
                    Source.value("aliyun.kms.ca-pem", required(config.caPem(), "aliyun.kms.ca-pem"))));
        }
        if (anyFile) {
            return Optional.of(new ExplicitCredentialStore(
                    instanceId(config),
                    Source.file(required(config.clientKeyFile(), "aliyun.kms.client-key-file")),
                    Source.file(required(config.passwordFile(), "aliyun.kms.password-file")),
                    Source.file(required(config.caFile(), "aliyun.kms.ca-file"))));
        }
        return folder(config).or(() -> emulatorFolder).map(DirectoryCredentialStore::new);
    }

    /** The credential folder: the configured one, or the legacy one when only that exists. */
    static Optional<Path> folder(AliyunKmsConfig config) {
        Optional<Path> configured = config.credentialDir();
        if (configured.isPresent()
                && !Files.isDirectory(configured.get())
                && config.legacyCredentialDir().isPresent()
                && Files.isDirectory(config.legacyCredentialDir().get())) {
            return config.legacyCredentialDir();
        }
        return configured;
    }

    private static String instanceId(AliyunKmsConfig config) {
        return required(config.instanceId(), "aliyun.kms.instance-id (explicit credentials serve one instance)");
    }

    private static <T> T required(Optional<T> value, String name) {
        return value.orElseThrow(
                () -> invalid(name + " is not set (the client key, its password and the CA go together)"));
    }

    private static ServiceFaultException invalid(String message) {
        return new ServiceFaultException(ErrorCode.NOT_CONFIGURED, message);
    }
}
