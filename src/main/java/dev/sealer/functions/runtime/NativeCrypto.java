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
import org.jboss.logging.Logger;

/**
 * With {@code sealer.crypto-provider=accp} (the default), puts Amazon Corretto Crypto Provider (AWS-LC, native code) first
 * among the JCA providers as the application starts, before any bean signs a KMS request, opens a TLS
 * connection or seals a data key: the KMS request signature (RSA), TLS (ECDHE, AES-GCM, the client key's
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

    /** Before every other start-up observer (the lowest priority runs first) and every {@code @Startup} bean. */
    void onStart(@Observes @Priority(-100) StartupEvent event) {
        if (config.cryptoProvider() != SealerConfig.CryptoProvider.ACCP) {
            return;
        }
        AmazonCorrettoCryptoProvider accp = AmazonCorrettoCryptoProvider.INSTANCE;
        if (accp.getLoadingError() != null) {
            LOG.warnf(
                    "sealer.crypto-provider=accp: its native library does not load here (%s); the JDK's crypto serves",
                    accp.getLoadingError());
            return;
        }
        AmazonCorrettoCryptoProvider.install();
        Es256Verification.useProvider(accp);
        installed = true;
        LOG.infof("crypto provider: %s first (AWS-LC)", accp.getName() + " " + accp.getVersionStr());
    }

    /** What it put in at start it takes out at stop (the providers are the JVM's, which may host another start). */
    void onStop(@Observes ShutdownEvent event) {
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
