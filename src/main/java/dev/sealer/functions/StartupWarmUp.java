package dev.sealer.functions;

import dev.sealer.SealerException;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Warms up in the background as the application starts ({@code sealer.warm-up=true}, the default):
 * the first request would otherwise pay for loading crypto classes, building curve tables, opening
 * the credentials and building the KMS client. A separate thread, so the port opens just as early;
 * on a serverless instance with two cores it runs beside the rest of the boot.
 */
@Singleton
class StartupWarmUp {

    private static final Logger LOG = Logger.getLogger(StartupWarmUp.class);

    @Inject
    SealerService service;

    @ConfigProperty(name = "sealer.warm-up", defaultValue = "true")
    boolean enabled;

    void onStart(@Observes StartupEvent event) {
        if (!enabled) {
            return;
        }
        Thread thread = new Thread(() -> {
            long start = System.nanoTime();
            try {
                service.warmUp();
                LOG.debugf("warm-up done in %d ms", (System.nanoTime() - start) / 1_000_000);
            } catch (SealerException e) {
                LOG.infof("warm-up: the default credentials are not usable yet (%s); readiness reports it", e.errorCode().code());
            } catch (RuntimeException e) {
                LOG.warn("warm-up failed", e);
            }
        }, "sealer-warm-up");
        thread.setDaemon(true);
        thread.start();
    }
}
