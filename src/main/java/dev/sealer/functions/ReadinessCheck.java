package dev.sealer.functions;

import dev.sealer.SealerException;
import dev.sealer.kms.aliyun.AliyunKmsProvider;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready means: the configuration is valid and the default credentials load (when default ids are
 * configured; without them every sealed secret names its own), and no cached client's credentials
 * were replaced by broken ones. Cheap: credentials are parsed only when their files changed.
 */
@Readiness
@ApplicationScoped
public class ReadinessCheck implements HealthCheck {

    @Inject
    AliyunKmsProvider aliyun;

    @Inject
    SealerService service;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("kms-credentials")
                .withData("sealing", service.canSeal() ? "enabled" : "disabled (no signing key)");
        try {
            if (aliyun.hasDefaultClient()) {
                aliyun.client(Map.of());
                response.withData("default-client", aliyun.defaultInstanceId().get() + " / " + aliyun.defaultClientKeyId().get());
            } else {
                response.withData("default-client", "none configured");
            }
            response.withData("credentials", aliyun.describeCredentials());
        } catch (SealerException e) {
            return response.down().withData("error", e.errorCode().code()).withData("message", e.getMessage()).build();
        }
        List<String> problems = aliyun.problems();
        if (!problems.isEmpty()) {
            return response.down().withData("error", "credentials_invalid").withData("message", String.join("; ", problems)).build();
        }
        return response.up().build();
    }
}
