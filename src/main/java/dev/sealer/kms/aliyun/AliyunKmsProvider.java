package dev.sealer.kms.aliyun;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.sealer.ErrorCode;
import dev.sealer.SealerException;
import dev.sealer.ServiceFaultException;
import dev.sealer.credentials.CredentialStore;
import dev.sealer.kms.EnvelopeKey;
import dev.sealer.kms.KmsCallObserver;
import dev.sealer.kms.KmsProvider;
import dev.sealer.kms.ProviderHealth;
import dev.sealer.kms.ProviderSettings;
import dev.sealer.kms.SecretGetter;
import dev.sealer.kms.aliyun.common.AliyunVault;
import dev.sealer.kms.aliyun.instance.KmsInstanceClient;
import dev.sealer.kms.aliyun.instance.KmsInstanceClientFactory;
import dev.sealer.kms.aliyun.instance.KmsInstanceClients;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * The {@code aliyun} KMS provider: reads the provider settings of a sealed secret or a seal request once
 * (missing members from the configured defaults) into their type by {@code client_type}
 * ({@link AliyunClientSettings}), and offers for them what that type can do: {@code client_key} an envelope key
 * and a vault, both a cached client of the KMS-instance API whose credentials are decided and checked at start
 * ({@link CredentialSources}); {@code ecs_ram_role} and {@code sts_token} a vault only, a client of the KMS
 * OpenAPI with RAM credentials ({@link RamClients}). When
 * the embedded emulator runs and nothing else is configured, its endpoints, ids and folder are the
 * defaults.
 */
@ApplicationScoped
@Startup
public class AliyunKmsProvider implements KmsProvider {

    public static final String NAME = "aliyun";
    private static final Logger LOG = Logger.getLogger(AliyunKmsProvider.class);

    @Inject
    AliyunKmsConfig config;

    @Inject
    Instance<LocalKmsInstance> localInstance;

    @Inject
    Instance<KmsCallObserver> observer;

    @Inject
    FunctionComputeRole functionCompute;

    private Optional<LocalKmsInstance> local;
    private Optional<KmsInstanceClients> clients;
    private RamClients ramClients;
    private final AtomicBoolean warmedUp = new AtomicBoolean();

    @PostConstruct
    void start() {
        local = localInstance.isResolvable() ? Optional.of(localInstance.get()) : Optional.empty();
        Optional<CredentialStore> store = CredentialSources.choose(config, local.map(LocalKmsInstance::credentialDir));
        KmsInstanceClientFactory factory = new KmsInstanceClientFactory(
                new KmsInstanceClientFactory.Settings(
                        config.connectTimeout(), config.readTimeout(), config.retryPolicy()),
                observer.isResolvable() ? observer.get() : KmsCallObserver.NONE,
                Clock.systemUTC());
        clients = store.map(s -> new KmsInstanceClients(
                s,
                factory,
                this::endpointFor,
                config.credentialCheckInterval(),
                config.maxClients(),
                Ticker.systemTicker()));
        ramClients = new RamClients(
                config,
                local,
                CredentialSources.folder(config).or(() -> local.map(LocalKmsInstance::credentialDir)),
                functionCompute,
                observer.isResolvable() ? observer.get() : KmsCallObserver.NONE,
                Clock.systemUTC());
        LOG.infof(
                "aliyun KMS credentials: %s; ecs_ram_role/sts_token: %s",
                store.map(CredentialStore::describe).orElse("none configured"), ramClients.describe());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public AliyunClientSettings settings(SealedKind kind, Map<String, String> providerSettings) {
        return AliyunClientSettings.fromSealedSecret(kind, providerSettings, defaults());
    }

    @Override
    public AliyunClientSettings settingsForSeal(SealedKind kind, Map<String, String> requested) {
        return AliyunClientSettings.fromSealRequest(kind, requested, defaults());
    }

    /** Only {@code client_key} has an envelope part (the RAM client types read vault secrets only, as in the CDH). */
    @Override
    public EnvelopeKey envelopeKey(ProviderSettings settings) {
        if (own(settings) instanceof AliyunClientSettings.ClientKey clientKey) {
            return instanceClient(clientKey);
        }
        throw AliyunClientSettings.envelopeRefused();
    }

    @Override
    public SecretGetter vault(ProviderSettings settings) {
        AliyunClientSettings own = own(settings);
        return own instanceof AliyunClientSettings.ClientKey clientKey
                ? instanceClient(clientKey)
                : ramClients.vault(own);
    }

    private KmsInstanceClient instanceClient(AliyunClientSettings.ClientKey settings) {
        return clients().get(new KmsInstanceClients.Key(settings.kmsInstanceId(), settings.clientKeyId()));
    }

    private static AliyunClientSettings own(ProviderSettings settings) {
        if (settings instanceof AliyunClientSettings own) {
            return own;
        }
        throw new IllegalArgumentException(
                "settings of another provider: " + settings.getClass().getName());
    }

    @Override
    public Map<String, String> canonicalVaultReference(String name, Map<String, String> annotations) {
        return AliyunVault.canonicalAnnotations(name, annotations);
    }

    @Override
    public String defaultKeyId() {
        return config.keyId()
                .or(() -> local.map(LocalKmsInstance::keyId))
                .orElseThrow(() -> new ServiceFaultException(
                        ErrorCode.NOT_CONFIGURED, "the request names no key_id and this service has no default key"));
    }

    @Override
    public ProviderHealth health() {
        Map<String, String> data = new LinkedHashMap<>();
        Optional<AliyunClientSettings.ClientKey> defaults = defaultSettings();
        data.put("aliyun-default-client", defaults.isPresent() ? "configured" : "none (every request names its own)");
        try {
            defaults.ifPresent(this::instanceClient);
        } catch (SealerException e) {
            return ProviderHealth.down(e.errorCode().code(), data);
        }
        List<String> problems = clients.map(KmsInstanceClients::problems).orElse(List.of());
        if (!problems.isEmpty()) {
            data.put("aliyun-credentials", problems.get(0));
            return ProviderHealth.down(ErrorCode.CREDENTIALS_INVALID.code(), data);
        }
        return ProviderHealth.up(data);
    }

    /**
     * Once: loads the default credentials, builds their client and opens its TLS connection to the
     * instance. Later calls return at once.
     */
    @Override
    public void warmUp() {
        if (!warmedUp.compareAndSet(false, true)) {
            return;
        }
        Optional<AliyunClientSettings.ClientKey> defaults = defaultSettings();
        if (defaults.isEmpty() || clients.isEmpty()) {
            return;
        }
        try {
            long start = System.nanoTime();
            KmsInstanceClient client = instanceClient(defaults.get());
            LOG.debugf("warm-up: default credentials and client in %d ms", (System.nanoTime() - start) / 1_000_000);
            SealerException failure = client.connect();
            LOG.debugf("warm-up: connected to the KMS in %d ms", (System.nanoTime() - start) / 1_000_000);
            if (failure != null) {
                LOG.infof(
                        "warm-up: the KMS could not be reached yet (%s): %s",
                        failure.errorCode().code(), failure.logMessage());
            }
        } catch (SealerException e) {
            LOG.infof(
                    "warm-up: the default credentials are not usable yet (%s); readiness reports it",
                    e.errorCode().code());
        }
    }

    /** The endpoint of an instance: the override, the emulator's, or Alibaba's naming rule. */
    URI endpointFor(String instanceId) {
        return config.endpoint()
                .map(URI::create)
                .or(() -> local.map(LocalKmsInstance::endpoint))
                .orElseGet(() -> URI.create("https://" + instanceId + ".cryptoservice.kms.aliyuncs.com"));
    }

    private AliyunClientSettings.Defaults defaults() {
        return new AliyunClientSettings.Defaults(
                config.clientKeyId()
                        .or(() -> local.map(LocalKmsInstance::clientKeyId))
                        .orElse(null),
                config.instanceId()
                        .or(() -> local.map(LocalKmsInstance::instanceId))
                        .orElse(null));
    }

    private Optional<AliyunClientSettings.ClientKey> defaultSettings() {
        AliyunClientSettings.Defaults defaults = defaults();
        if (defaults.clientKeyId() == null || defaults.instanceId() == null) {
            return Optional.empty();
        }
        return Optional.of(new AliyunClientSettings.ClientKey(defaults.clientKeyId(), defaults.instanceId()));
    }

    private KmsInstanceClients clients() {
        return clients.orElseThrow(() -> new ServiceFaultException(
                ErrorCode.NOT_CONFIGURED,
                "no KMS credentials are configured (aliyun.kms.credential-dir, or the explicit files or values)"));
    }

    @PreDestroy
    void close() {
        clients.ifPresent(KmsInstanceClients::close);
        if (ramClients != null) {
            ramClients.close();
        }
    }
}
