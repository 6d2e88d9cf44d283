package dev.sealer.kms.aliyun;

import dev.sealer.ErrorCode;
import dev.sealer.SealerException;
import dev.sealer.credentials.CredentialStore;
import dev.sealer.credentials.DirectoryCredentialStore;
import dev.sealer.credentials.ExplicitCredentialStore;
import dev.sealer.credentials.ExplicitCredentialStore.Source;
import dev.sealer.kms.KmsProvider;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code aliyun} KMS provider: resolves the provider settings of a sealed secret (or the
 * configured defaults) to a cached {@link AliyunKmsClient}.
 *
 * <p>Where credentials come from, first match wins: the client key JSON, password and CA PEM as
 * configuration values; explicit files; {@code aliyun.kms.credential-dir}; the embedded
 * emulator's directory when it runs. Default ids and the endpoint likewise fall back to the
 * emulator's when it runs and nothing is configured.
 */
@ApplicationScoped
public class AliyunKmsProvider implements KmsProvider {

    public static final String NAME = "aliyun";

    private final AliyunKmsConfig config;
    private final Instance<LocalKmsInstance> localInstance;
    private final KmsCallObserver observer;
    private volatile AliyunKmsClients clients;
    private volatile Optional<LocalKmsInstance> local;

    @Inject
    public AliyunKmsProvider(AliyunKmsConfig config, Instance<LocalKmsInstance> localInstance,
            Instance<KmsCallObserver> observer) {
        this.config = config;
        this.localInstance = localInstance;
        this.observer = observer.isResolvable() ? observer.get() : KmsCallObserver.NONE;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public AliyunKmsClient client(Map<String, String> providerSettings) {
        return clients().get(settings(providerSettings));
    }

    @Override
    public Map<String, String> canonicalSettings(Map<String, String> providerSettings) {
        return settings(providerSettings).toMap();
    }

    private AliyunProviderSettings settings(Map<String, String> providerSettings) {
        return AliyunProviderSettings.from(providerSettings,
                required(defaultClientKeyId(), AliyunProviderSettings.CLIENT_KEY_ID, providerSettings, "aliyun.kms.client-key-id"),
                required(defaultInstanceId(), AliyunProviderSettings.KMS_INSTANCE_ID, providerSettings, "aliyun.kms.instance-id"));
    }

    @Override
    public String defaultKeyId() {
        return config.keyId().or(() -> local().map(LocalKmsInstance::keyId)).orElseThrow(() -> new SealerException(
                ErrorCode.NOT_CONFIGURED, "the request names no key_id and aliyun.kms.key-id is not set"));
    }

    public Optional<String> defaultInstanceId() {
        return config.instanceId().or(() -> local().map(LocalKmsInstance::instanceId));
    }

    public Optional<String> defaultClientKeyId() {
        return config.clientKeyId().or(() -> local().map(LocalKmsInstance::clientKeyId));
    }

    /** True when both default ids are known, i.e. {@code client(Map.of())} names a client. */
    public boolean hasDefaultClient() {
        return defaultInstanceId().isPresent() && defaultClientKeyId().isPresent();
    }

    /** Where credentials are looked up, for logs and health (no secret). */
    public String describeCredentials() {
        return clients().store().describe();
    }

    /** Problems with the credentials of cached clients (e.g. a broken rotation), for health. */
    public List<String> problems() {
        AliyunKmsClients current = clients;
        return current == null ? List.of() : current.problems();
    }

    /** The endpoint of an instance: the override, the emulator's, or Alibaba's naming rule. */
    public URI endpointFor(String instanceId) {
        return config.endpoint().map(URI::create)
                .or(() -> local().map(LocalKmsInstance::endpoint))
                .orElseGet(() -> URI.create("https://" + instanceId + ".cryptoservice.kms.aliyuncs.com"));
    }

    private AliyunKmsClients clients() {
        AliyunKmsClients current = clients;
        if (current == null) {
            synchronized (this) {
                current = clients;
                if (current == null) {
                    current = new AliyunKmsClients(credentialStore(), this::endpointFor, config, observer, Clock.systemUTC());
                    clients = current;
                }
            }
        }
        return current;
    }

    private CredentialStore credentialStore() {
        if (config.clientKeyJson().isPresent() || config.password().isPresent() || config.caPem().isPresent()) {
            return new ExplicitCredentialStore(explicitInstanceId(),
                    Source.value("aliyun.kms.client-key-json", setting(config.clientKeyJson(), "aliyun.kms.client-key-json")),
                    Source.value("aliyun.kms.password", setting(config.password(), "aliyun.kms.password")),
                    Source.value("aliyun.kms.ca-pem", setting(config.caPem(), "aliyun.kms.ca-pem")));
        }
        if (config.clientKeyFile().isPresent() || config.passwordFile().isPresent() || config.caFile().isPresent()) {
            return new ExplicitCredentialStore(explicitInstanceId(),
                    Source.file(setting(config.clientKeyFile(), "aliyun.kms.client-key-file")),
                    Source.file(setting(config.passwordFile(), "aliyun.kms.password-file")),
                    Source.file(setting(config.caFile(), "aliyun.kms.ca-file")));
        }
        return new DirectoryCredentialStore(config.credentialDir()
                .or(() -> local().map(LocalKmsInstance::credentialDir))
                .orElseThrow(() -> new SealerException(ErrorCode.NOT_CONFIGURED,
                        "no KMS credentials configured: set aliyun.kms.credential-dir (or the explicit files)")));
    }

    private String explicitInstanceId() {
        return defaultInstanceId().orElseThrow(() -> new SealerException(ErrorCode.NOT_CONFIGURED,
                "explicit KMS credentials need aliyun.kms.instance-id"));
    }

    private static <T> T setting(Optional<T> value, String name) {
        return value.orElseThrow(() -> new SealerException(ErrorCode.NOT_CONFIGURED,
                name + " is not set (the client key, its password and the CA go together)"));
    }

    private static String required(Optional<String> fallback, String field, Map<String, String> settings, String property) {
        if (settings.containsKey(field)) {
            return null;
        }
        return fallback.orElseThrow(() -> new SealerException(ErrorCode.NOT_CONFIGURED,
                "no provider_settings." + field + " given and " + property + " is not set"));
    }

    /** The in-process KMS instance, looked up once (a CDI lookup is too slow for every request). */
    private Optional<LocalKmsInstance> local() {
        Optional<LocalKmsInstance> current = local;
        if (current == null) {
            current = localInstance.isResolvable() ? Optional.of(localInstance.get()) : Optional.empty();
            local = current;
        }
        return current;
    }

    @PreDestroy
    void close() {
        AliyunKmsClients current = clients;
        if (current != null) {
            current.close();
        }
    }
}
