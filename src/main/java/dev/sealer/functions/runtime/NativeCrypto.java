package dev.sealer.functions.runtime;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import dev.sealer.secret.Es256Verification;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.security.Security;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * With {@code sealer.crypto-provider=accp} (the default), puts Amazon Corretto Crypto Provider (AWS-LC, native code) first
 * among the JCA providers, loaded in the background as the application starts: the KMS request signature (RSA), TLS (ECDHE, AES-GCM, the client key's
 * handshake signature), the data cipher (AES-GCM) and the verification of sealed secrets' ES256 signatures
 * ({@link Es256Verification}) then run in AWS-LC. Signing sealed secrets stays on Bouncy Castle (RFC 6979 nonces).
 *
 * <p>Never a reason not to start: where its native library does not load (a platform other than Linux x86-64),
 * or its self-tests fail (checked by the warm-up, off the request path: {@link #checkHealth}), the provider is
 * removed and the JDK's crypto serves, with a WARN. Its self-tests run in the background as it loads.
 */
@ApplicationScoped
public class NativeCrypto {

    private static final Logger LOG = Logger.getLogger(NativeCrypto.class);

    @Inject
    SealerConfig config;

    private volatile boolean installed;
    private final CompletableFuture<Boolean> done = new CompletableFuture<>();

    /**
     * Before every other start-up observer (the lowest priority runs first), starts loading AWS-LC in the
     * background: loading its library and its self-tests take about half a second of CPU here (BENCHMARKS.md),
     * which the start does not wait for. Until it is in, the JDK's crypto serves; the warm-up waits for it
     * ({@link #awaitInstall}) before it builds the KMS client, and a KMS client's signing key is translated for
     * whichever provider signs ({@code ProviderKey}).
     */
    void onStart(@Observes @Priority(-100) StartupEvent event) {
        if (config.cryptoProvider() != SealerConfig.CryptoProvider.ACCP) {
            done.complete(false);
            return;
        }
        Thread loader = new Thread(this::install, "sealer-native-crypto");
        loader.setDaemon(true);
        loader.start();
    }

    private void install() {
        try {
            AmazonCorrettoCryptoProvider accp = AmazonCorrettoCryptoProvider.INSTANCE;
            if (accp.getLoadingError() != null) {
                LOG.warnf(
                        "sealer.crypto-provider=accp: its native library does not load here (%s); the JDK's crypto"
                                + " serves",
                        accp.getLoadingError());
                return;
            }
            AmazonCorrettoCryptoProvider.install();
            Es256Verification.useProvider(accp);
            installed = true;
            LOG.infof("crypto provider: %s first (AWS-LC)", accp.getName() + " " + accp.getVersionStr());
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("sealer.crypto-provider=accp: it cannot be installed; the JDK's crypto serves", e);
        } finally {
            done.complete(installed);
        }
    }

    /** Waits (at most the timeout) until the background install has ended, either way. */
    public void awaitInstall(Duration timeout) {
        try {
            done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // not in yet: the JDK's crypto serves meanwhile
        }
    }

    /** What it put in at start it takes out at stop (the providers are the JVM's, which may host another start). */
    void onStop(@Observes ShutdownEvent event) {
        awaitInstall(Duration.ofSeconds(10));
        if (installed) {
            remove();
        }
    }

    /**
     * Runs the provider's self-tests (once) and, should one fail, removes it: the JDK's crypto serves from then
     * on. Called by the warm-up, off the request path; a request that comes first finds the tests running in
     * the background, and a failed algorithm refuses to work rather than give a wrong result.
     */
    public void checkHealth() {
        if (!installed) {
            return;
        }
        try {
            AmazonCorrettoCryptoProvider.INSTANCE.assertHealthy();
        } catch (RuntimeException e) {
            remove();
            LOG.warn("sealer.crypto-provider=accp: its self-tests failed; removed, the JDK's crypto serves", e);
        }
    }

    private void remove() {
        Es256Verification.useProvider(null);
        Security.removeProvider(AmazonCorrettoCryptoProvider.INSTANCE.getName());
        installed = false;
    }

    /** Whether AWS-LC serves the JCA now. */
    public boolean installed() {
        return installed;
    }
}
