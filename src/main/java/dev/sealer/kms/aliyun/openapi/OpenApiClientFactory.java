package dev.sealer.kms.aliyun.openapi;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.sealer.credentials.ram.RamCredentialSource;
import dev.sealer.kms.KmsCallObserver;
import dev.sealer.kms.RetryLoop;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import java.net.URI;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Builds {@link OpenApiKmsClient}s: one typed REST client (with its connection pool) per endpoint,
 * kept in a small bounded cache and shared by every credential source that reaches that endpoint;
 * the same per-attempt timeouts and retry policy as the KMS-instance client. TLS trusts the JVM's
 * default anchors (Alibaba's public endpoints), or only the given trust store (the emulator, a
 * private gateway). Host names are verified.
 */
public final class OpenApiClientFactory implements AutoCloseable {

    /** Per-attempt timeouts and the retry policy (which bounds the whole call). */
    public record Settings(Duration connectTimeout, Duration readTimeout, RetryLoop.Policy retry) {}

    private static final int MAX_ENDPOINTS = 16;

    private final Settings settings;
    private final Optional<KeyStore> trustStore;
    private final KmsCallObserver observer;
    private final Clock clock;
    private final Cache<URI, KmsOpenApi> apis;

    /**
     * @param trustStore the only anchors to trust; empty for the JVM's defaults
     * @param clock dates the requests
     */
    public OpenApiClientFactory(
            Settings settings, Optional<KeyStore> trustStore, KmsCallObserver observer, Clock clock) {
        this.settings = settings;
        this.trustStore = trustStore;
        this.observer = observer;
        this.clock = clock;
        this.apis = Caffeine.newBuilder()
                .maximumSize(MAX_ENDPOINTS)
                .executor(Runnable::run)
                .removalListener((URI endpoint, KmsOpenApi api, RemovalCause cause) -> {
                    if (api != null && cause.wasEvicted()) {
                        retire(api);
                    }
                })
                .build();
    }

    /** A client of {@code endpoint} for region {@code regionId} with these credentials; cheap. */
    public OpenApiKmsClient client(URI endpoint, String regionId, RamCredentialSource credentials) {
        return new OpenApiKmsClient(
                apis.get(endpoint, this::build),
                endpoint,
                regionId,
                credentials,
                new RetryLoop(settings.retry()),
                observer,
                clock);
    }

    private KmsOpenApi build(URI endpoint) {
        QuarkusRestClientBuilder builder = QuarkusRestClientBuilder.newBuilder()
                .baseUri(endpoint)
                .connectTimeout(settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(settings.readTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .followRedirects(false)
                .register(new JsonAnswerReader())
                .register(new OpenApiErrorMapper());
        trustStore.ifPresent(builder::trustStore);
        return builder.build(KmsOpenApi.class);
    }

    /** Closes an evicted client once the calls that may still use it are over. */
    private void retire(KmsOpenApi api) {
        long delay = settings.retry().callTimeout().toMillis() + 1000;
        CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS).execute(api::close);
    }

    @Override
    public void close() {
        apis.asMap().values().forEach(KmsOpenApi::close);
        apis.invalidateAll();
    }
}
