package dev.sealer.functions.runtime;

import dev.sealer.kms.KmsProviders;
import dev.sealer.secret.CoreWarmUp;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Does once, in the background, what the first request would otherwise pay for: loading crypto
 * classes and tables, opening the default credentials, building their KMS client and opening its TLS
 * connection. Started as the application starts ({@code sealer.warm-up=true}, the default) or by
 * Function Compute's {@code /initialize}, whichever comes first; later requests for it return the same
 * (possibly finished) run. Failures are logged and reported by readiness, never thrown.
 */
@ApplicationScoped
public class WarmUp {

    private static final Logger LOG = Logger.getLogger(WarmUp.class);

    @Inject
    SealerConfig config;

    @Inject
    KmsProviders providers;

    @Inject
    NativeCrypto nativeCrypto;

    /** Far more than loading AWS-LC takes (about half a second here); past it the warm-up goes on without it. */
    private static final Duration NATIVE_CRYPTO_WAIT = Duration.ofSeconds(10);

    private final AtomicReference<CompletableFuture<Void>> run = new AtomicReference<>();

    void onStart(@Observes StartupEvent event) {
        if (config.warmUp()) {
            start();
        }
    }

    /** Starts the warm-up unless it ran or runs already; the future completes when it is done. */
    public CompletableFuture<Void> start() {
        CompletableFuture<Void> current = run.get();
        if (current != null) {
            return current;
        }
        CompletableFuture<Void> fresh = new CompletableFuture<>();
        if (!run.compareAndSet(null, fresh)) {
            return run.get();
        }
        Thread thread = new Thread(
                () -> {
                    long start = System.nanoTime();
                    try {
                        // the KMS client built below then signs and connects on AWS-LC from its first call
                        nativeCrypto.awaitInstall(NATIVE_CRYPTO_WAIT);
                        nativeCrypto.checkHealth();
                        CoreWarmUp.run();
                        LOG.debugf("warm-up: local crypto in %d ms", (System.nanoTime() - start) / 1_000_000);
                        providers.all().forEach(provider -> provider.warmUp());
                        LOG.debugf("warm-up done in %d ms", (System.nanoTime() - start) / 1_000_000);
                    } catch (RuntimeException e) {
                        LOG.warn("warm-up failed", e);
                    } finally {
                        fresh.complete(null);
                    }
                },
                "sealer-warm-up");
        thread.setDaemon(true);
        thread.start();
        return fresh;
    }
}
