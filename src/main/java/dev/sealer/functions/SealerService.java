package dev.sealer.functions;

import dev.sealer.ErrorCode;
import dev.sealer.SealerException;
import dev.sealer.StrictBase64;
import dev.sealer.credentials.CredentialWriter;
import dev.sealer.kms.KmsProviders;
import dev.sealer.kms.aliyun.AliyunKmsProvider;
import dev.sealer.kms.aliyun.AliyunProviderSettings;
import dev.sealer.secret.DataKeyCache;
import dev.sealer.secret.DirectoryVerificationKeys;
import dev.sealer.secret.SecretSealer;
import dev.sealer.secret.SigningKey;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.configuration.ConfigUtils;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The application side of {@code seal} and {@code unseal}, shared by every entry point (Funqy HTTP,
 * CloudEvents, Function Compute): validates the request JSON, then delegates to the CDI-free
 * {@link SecretSealer}. Plaintext buffers are wiped once encoded.
 */
@ApplicationScoped
@Startup
public class SealerService {

    private static final Logger LOG = Logger.getLogger(SealerService.class);
    private static final Set<String> PROVIDER_SETTINGS = Set.of(AliyunProviderSettings.CLIENT_KEY_ID,
            AliyunProviderSettings.KMS_INSTANCE_ID, AliyunProviderSettings.CLIENT_TYPE);
    private static final Set<String> VAULT_ANNOTATIONS = Set.of("version_stage", "version_id");

    @Inject
    SealerConfig config;

    @Inject
    SealedSecretConfig secretConfig;

    @Inject
    AliyunKmsProvider aliyun;

    @Inject
    SealerMetrics metrics;

    private SecretSealer sealer;

    @PostConstruct
    void init() {
        SigningKey signingKey = loadSigningKey();
        boolean skip = secretConfig.verification().skip();
        requireVerificationInTee(skip, ConfigUtils.getProfiles());
        if (skip) {
            LOG.warn("sealed-secret.verification.skip=true: sealed secrets are opened WITHOUT verifying their signature");
        }
        sealer = new SecretSealer(new KmsProviders(List.of(aliyun)), signingKey,
                new DirectoryVerificationKeys(secretConfig.verification().keyDir()),
                new SecretSealer.Options(config.maxSecretBytes(), skip, dataKeyCacheLimits()), new SecureRandom());
    }

    private DataKeyCache.Limits dataKeyCacheLimits() {
        SealerConfig.DataKeyCache cache = config.dataKeyCache();
        if (!cache.enabled()) {
            return null;
        }
        LOG.infof("data-key cache on: decrypted data keys stay in memory up to %s, %d uses, %d entries",
                cache.maxAge(), cache.maxUses(), cache.maxEntries());
        return new DataKeyCache.Limits(cache.maxAge(), cache.maxUses(), cache.maxEntries());
    }

    /**
     * Does ahead of time what the first request would otherwise do: the local crypto (classes,
     * tables, JIT), and, when default ids are configured, loading the default credentials and
     * building their KMS client with its TLS material. Makes no KMS call. Safe to call repeatedly.
     *
     * @throws dev.sealer.SealerException when the default credentials do not load
     */
    public void warmUp() {
        SecretSealer.warmUp();
        if (aliyun.hasDefaultClient()) {
            aliyun.client(Map.of()).warmUp();
        }
    }

    /** True when this instance can seal (a signing key is configured). */
    public boolean canSeal() {
        return sealer.canSeal();
    }

    /**
     * Inside a TEE, verification is always on: a skip switch set there (say, by an environment
     * variable) stops the start rather than being obeyed.
     */
    static void requireVerificationInTee(boolean skip, java.util.Collection<String> profiles) {
        if (skip && profiles.contains("tee")) {
            throw new SealerException(ErrorCode.NOT_CONFIGURED,
                    "sealed-secret.verification.skip=true is not allowed in the tee profile: verification is always on there");
        }
    }

    public SealResponse seal(SealRequest request) {
        return metrics.timed("seal", () -> doSeal(request));
    }

    public UnsealResponse unseal(UnsealRequest request) {
        return metrics.timed("unseal", () -> doUnseal(request));
    }

    private SealResponse doSeal(SealRequest request) {
        if (request == null) {
            throw invalid("the request body must be a JSON object with 'plaintext' or 'text'");
        }
        String type = request.type() == null ? "envelope" : request.type();
        checkKeys("provider_settings", request.providerSettings(), PROVIDER_SETTINGS);
        Map<String, String> providerSettings = request.providerSettings() == null ? Map.of() : request.providerSettings();
        switch (type) {
            case "envelope" -> {
                if (request.name() != null || request.annotations() != null) {
                    throw invalid("fields 'name' and 'annotations' are only for type 'vault'");
                }
                byte[] secret = secretBytes(request);
                try {
                    return new SealResponse(sealer.sealEnvelope(secret, AliyunKmsProvider.NAME, request.keyId(), providerSettings));
                } finally {
                    Arrays.fill(secret, (byte) 0);
                }
            }
            case "vault" -> {
                if (request.plaintext() != null || request.text() != null || request.keyId() != null) {
                    throw invalid("fields 'plaintext', 'text' and 'key_id' are not for type 'vault' (it only names a KMS secret)");
                }
                checkKeys("annotations", request.annotations(), VAULT_ANNOTATIONS);
                return new SealResponse(sealer.sealVault(AliyunKmsProvider.NAME, request.name(), providerSettings,
                        request.annotations() == null ? Map.of() : request.annotations()));
            }
            default -> throw invalid("field 'type': must be 'envelope' or 'vault'");
        }
    }

    private UnsealResponse doUnseal(UnsealRequest request) {
        if (request == null || request.sealed() == null) {
            throw invalid("field 'sealed': required");
        }
        byte[] secret = sealer.unseal(request.sealed());
        try {
            return new UnsealResponse(StrictBase64.encodeStandard(secret), SecretSealer.utf8OrNull(secret));
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /** The secret bytes of an envelope seal request, size-checked before decoding. */
    private byte[] secretBytes(SealRequest request) {
        int max = config.maxSecretBytes();
        if ((request.plaintext() == null) == (request.text() == null)) {
            throw invalid("exactly one of 'plaintext' (std base64) and 'text' (UTF-8) is required");
        }
        if (request.plaintext() != null) {
            if (request.plaintext().length() > StrictBase64.standardLength(max)) {
                throw tooLarge(max);
            }
            byte[] secret = StrictBase64.decodeStandard("plaintext", request.plaintext());
            if (secret.length > max) {
                Arrays.fill(secret, (byte) 0);
                throw tooLarge(max);
            }
            return secret;
        }
        if (request.text().length() > max) {
            throw tooLarge(max);
        }
        byte[] secret = request.text().getBytes(StandardCharsets.UTF_8);
        if (secret.length > max) {
            Arrays.fill(secret, (byte) 0);
            throw tooLarge(max);
        }
        return secret;
    }

    private static void checkKeys(String field, Map<String, String> map, Set<String> allowed) {
        if (map == null) {
            return;
        }
        for (Map.Entry<String, String> entry : map.entrySet()) {
            if (!allowed.contains(entry.getKey())) {
                throw invalid("field '" + field + "': unknown member; allowed: " + String.join(", ", allowed.stream().sorted().toList()));
            }
            if (entry.getValue() == null) {
                throw invalid("field '" + field + "." + entry.getKey() + "': must be a string");
            }
        }
    }

    private SigningKey loadSigningKey() {
        var signing = secretConfig.signing();
        if (signing.jwkFile().isEmpty()) {
            LOG.info("no sealed-secret.signing.jwk-file: this instance unseals only");
            return null;
        }
        Path file = signing.jwkFile().get();
        String kid = signing.kid().orElseThrow(() -> new SealerException(ErrorCode.NOT_CONFIGURED,
                "sealed-secret.signing.kid is required with sealed-secret.signing.jwk-file"));
        try {
            if (!Files.exists(file) && signing.generateIfMissing()) {
                SigningKey generated = SigningKey.generate(kid);
                CredentialWriter.writeSecretFile(file, generated.privateJwk().getBytes(StandardCharsets.UTF_8));
                Path publicFile = secretConfig.verification().keyDir().resolve(kid);
                Files.createDirectories(publicFile.toAbsolutePath().getParent());
                Files.writeString(publicFile, generated.publicJwk());
                LOG.infof("generated a development signing key %s (kid %s) and its verification key %s",
                        file.toAbsolutePath(), kid, publicFile.toAbsolutePath());
                return generated;
            }
            return SigningKey.fromJwk(kid, Files.readString(file, StandardCharsets.UTF_8), "signing key " + file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the signing key " + file, e);
        }
    }

    private static SealerException invalid(String message) {
        return new SealerException(ErrorCode.INVALID_REQUEST, message);
    }

    private static SealerException tooLarge(int max) {
        return new SealerException(ErrorCode.PAYLOAD_TOO_LARGE, "the secret exceeds the limit of " + max + " bytes");
    }
}
