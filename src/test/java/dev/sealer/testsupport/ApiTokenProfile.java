package dev.sealer.testsupport;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * One application boot for the tests of a token-guarded service ({@code ApiTokenTest},
 * {@code RequestLimitsTest}): {@code sealer.api-token} required on every entry point, Function Compute's
 * routes off (as outside the {@code fc} profile), a small in-flight budget (4 MiB, so that a few
 * declared 3 MB bodies exhaust it) and a short body-read timeout (1 s). Neither test sends a body near
 * those bounds except on purpose.
 */
public class ApiTokenProfile implements QuarkusTestProfile {

    /** The token every entry point requires. */
    public static final String TOKEN = "test-token-5b1f9c";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "sealer.api-token",
                TOKEN,
                "sealer.allow-unauthenticated",
                "false",
                "sealer.function-compute.enabled",
                "false",
                "sealer.limits.in-flight-bytes",
                "4M",
                "sealer.limits.body-read-timeout",
                "1s");
    }
}
