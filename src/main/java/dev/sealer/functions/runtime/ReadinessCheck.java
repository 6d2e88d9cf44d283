package dev.sealer.functions.runtime;

import dev.sealer.kms.KmsProvider;
import dev.sealer.kms.KmsProviders;
import dev.sealer.kms.ProviderHealth;
import dev.sealer.secret.SecretSealer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready means: every KMS provider reports its default credentials usable (when it has defaults) and
 * no cached client's credentials were replaced by broken ones. Served without authentication, so it
 * shows stable codes and plain facts only: never paths, ids or secrets (the log has the details).
 */
@Readiness
@ApplicationScoped
public class ReadinessCheck implements HealthCheck {

    @Inject
    KmsProviders providers;

    @Inject
    SecretSealer sealer;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("sealer")
                .withData(
                        "sealing",
                        sealer.canSeal() ? "enabled" : "disabled (no signing key: this instance only unseals)");
        boolean up = true;
        for (KmsProvider provider : providers.all()) {
            ProviderHealth health = provider.health();
            health.data().forEach(response::withData);
            if (!health.up()) {
                up = false;
                response.withData(provider.name() + "-error", health.errorCode());
            }
        }
        return response.status(up).build();
    }
}
