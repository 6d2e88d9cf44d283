package dev.sealer.functions.runtime;

import io.quarkus.runtime.configuration.MemorySize;
import org.eclipse.microprofile.config.ConfigProvider;

/** The HTTP layer's own body limit ({@code quarkus.http.limits.max-body-size}), read in one place. */
public final class HttpLimits {

    /** Quarkus's default when the property is not set. */
    private static final long QUARKUS_DEFAULT = 10L * 1024 * 1024;

    private HttpLimits() {}

    public static long maxBodyBytes() {
        return ConfigProvider.getConfig()
                .getOptionalValue("quarkus.http.limits.max-body-size", MemorySize.class)
                .map(MemorySize::asLongValue)
                .orElse(QUARKUS_DEFAULT);
    }
}
