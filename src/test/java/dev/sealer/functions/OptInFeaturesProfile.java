package dev.sealer.functions;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * One application boot for the JDK's own crypto instead of AWS-LC ({@code sealer.crypto-provider=jdk}, the
 * fallback where AWS-LC does not load: {@link JdkCryptoProviderTest}; every test of this profile runs on it) and
 * three opt-in features whose paths do not cross, each tested on its own:
 * traces (the SDK on, an in-memory exporter only: {@link TracingTest}), the legacy unsigned form accepted
 * ({@code sealed-secret.verification.skip}: {@link SkipVerificationTest}), and unseal over CloudEvents
 * answering a JWE to a recipient ({@link UnsealOverEventsTest}). No test of the three sends what another
 * feature changes: the traced calls carry secrets this service signed, the skip test calls plain HTTP,
 * and the events test opens secrets this service signed.
 */
public class OptInFeaturesProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "quarkus.otel.sdk.disabled",
                "false",
                // the in-memory exporter only: no collector runs here
                "quarkus.otel.exporter.otlp.enabled",
                "false",
                "sealed-secret.verification.skip",
                "true",
                "sealer.events.unseal.enabled",
                "true",
                "sealer.events.unseal.recipient-jwk",
                UnsealOverEventsTest.recipient().toPublicJWK().toJSONString(),
                "sealer.crypto-provider",
                "jdk");
    }
}
