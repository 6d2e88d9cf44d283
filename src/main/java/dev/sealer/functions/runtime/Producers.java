package dev.sealer.functions.runtime;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.sealer.kms.KmsProvider;
import dev.sealer.kms.KmsProviders;
import dev.sealer.secret.DataKeyCache;
import dev.sealer.secret.DataKeyDecrypter;
import dev.sealer.secret.GuestResourceApi;
import dev.sealer.secret.KidResolver;
import dev.sealer.secret.PublishedKeys;
import dev.sealer.secret.SecretLimits;
import dev.sealer.secret.SecretSealer;
import dev.sealer.secret.Signer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import java.security.SecureRandom;
import org.jboss.logging.Logger;

/**
 * Builds the CDI-free core from configuration: the providers the framework found, the kid resolver
 * and the {@link SecretSealer}.
 */
@ApplicationScoped
public class Producers {

    private static final Logger LOG = Logger.getLogger(Producers.class);

    @Produces
    @ApplicationScoped
    KmsProviders providers(Instance<KmsProvider> providers) {
        return new KmsProviders(providers.stream().toList());
    }

    @Produces
    @ApplicationScoped
    KidResolver verificationKeys(SealedSecretConfig config) {
        SealedSecretConfig.Verification verification = config.verification();
        if (verification.kbsResourceDir().isPresent()) {
            return KidResolver.withResourceFolder(
                    verification.keyDir(), verification.kbsResourceDir().get());
        }
        if (verification.kbsResourceUrl().isPresent()) {
            return KidResolver.withResourceApi(
                    verification.keyDir(),
                    new GuestResourceApi(verification.kbsResourceUrl().get(), verification.kbsResourceTimeout()),
                    verification.kbsResourceMaxAge(),
                    Ticker.systemTicker());
        }
        return KidResolver.files(verification.keyDir());
    }

    @Produces
    @ApplicationScoped
    SecretSealer sealer(
            KmsProviders providers,
            KidResolver verificationKeys,
            SealedSecretConfig secretConfig,
            SealerConfig config) {
        boolean skip = secretConfig.verification().skip();
        if (skip) {
            LOG.warn(
                    "sealed-secret.verification.skip=true: sealed secrets are opened WITHOUT verifying their signature");
        }
        return new SecretSealer(
                providers,
                Signer.of(SigningKeyLoader.load(secretConfig.signing(), verificationKeys)),
                verificationKeys,
                new SecretSealer.Options(
                        new SecretLimits(config.maxSecretBytes()),
                        skip,
                        secretConfig.verification().requireLowS()),
                dataKeys(config.dataKeyCache()),
                new SecureRandom());
    }

    /**
     * What {@code GET /jwks} publishes: the signing key's public half and the rotation window's keys. Not in
     * {@code tee}, where the signing key comes from files the host can replace (README "Publishing the
     * verification key"): there the set is empty and the route answers 404.
     */
    @Produces
    @ApplicationScoped
    PublishedKeys publishedKeys(SecretSealer sealer, SealedSecretConfig config) {
        if (Profiles.isTee(Profiles.active())) {
            return PublishedKeys.of(java.util.Optional.empty(), java.util.List.of());
        }
        PublishedKeys keys =
                PublishedKeys.of(sealer.verificationKey(), SigningKeyLoader.rotationKeys(config.signing()));
        LOG.infof("GET /jwks publishes the kids %s", keys.kids());
        return keys;
    }

    private static DataKeyDecrypter dataKeys(SealerConfig.DataKeyCache cache) {
        if (!cache.enabled()) {
            return DataKeyDecrypter.fromKms();
        }
        LOG.infof(
                "data-key cache on: decrypted data keys stay in memory up to %s, %d uses, %d entries",
                cache.maxAge(), cache.maxUses(), cache.maxEntries());
        return DataKeyDecrypter.cached(new DataKeyCache(
                new DataKeyCache.Limits(cache.maxAge(), cache.maxUses(), cache.maxEntries()), Ticker.systemTicker()));
    }
}
