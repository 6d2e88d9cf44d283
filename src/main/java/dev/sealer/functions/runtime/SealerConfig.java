package dev.sealer.functions.runtime;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Configuration of the service itself ({@code sealer.*}). Every default is written here, once;
 * profile-specific values are in {@code application.properties}.
 */
@ConfigMapping(prefix = "sealer")
public interface SealerConfig {

    /** The largest secret, in bytes, that seal accepts and unseal returns. */
    @WithDefault("1048576")
    int maxSecretBytes();

    /** The KMS provider a seal request uses when it names none; default: the only one this build has. */
    Optional<String> defaultProvider();

    /**
     * At start, in the background: load the crypto classes, open the default credentials, build their
     * KMS client and open its TLS connection.
     */
    @WithDefault("true")
    boolean warmUp();

    /**
     * When set, every entry point requires {@code Authorization: Bearer <token>}. Secret; never
     * logged. An empty or blank value stops the start.
     */
    Optional<String> apiToken();

    /** A file holding the API token (trailing white space ignored); re-read when it changes. */
    Optional<Path> apiTokenFile();

    /**
     * Serve requests that carry no credentials at all. Only for deployments where the platform
     * authenticates every request (e.g. Function Compute with {@code authType: function}), and for
     * development. Logged at start.
     */
    @WithDefault("false")
    boolean allowUnauthenticated();

    Limits limits();

    Batch batch();

    DataKeyCache dataKeyCache();

    FunctionCompute functionCompute();

    /** Bounds on what a request may hold before it is authenticated and read. */
    interface Limits {
        /** Request bodies all connections together may hold in memory at once; above it, 503. */
        @WithDefault("32M")
        MemorySize inFlightBodyBytes();

        /** Time a request may take to send its body once its headers arrived; then the connection is closed. */
        @WithDefault("10s")
        Duration bodyReadTimeout();
    }

    /** Bounds of a batch seal ({@code secrets}: several secrets in one call). */
    interface Batch {
        /** Most secrets in one call. */
        @WithDefault("64")
        int maxItems();

        /** Most secret bytes in one call, all items together. */
        @WithDefault("512K")
        MemorySize maxTotalBytes();
    }

    /**
     * The opt-in cache of decrypted data keys: repeated unseals of the same sealed secret skip the
     * KMS. Off by default, because it keeps data keys in memory.
     */
    interface DataKeyCache {
        @WithDefault("false")
        boolean enabled();

        @WithDefault("5m")
        Duration maxAge();

        @WithDefault("1000")
        int maxUses();

        @WithDefault("256")
        int maxEntries();
    }

    /** Alibaba Cloud Function Compute's custom-container protocol ({@code /invoke}, {@code /initialize}). */
    interface FunctionCompute {
        /** Serve {@code POST /invoke} and {@code POST /initialize}; on in the {@code fc} profile only. */
        @WithDefault("false")
        boolean enabled();

        /**
         * The function an {@code /invoke} runs ({@code seal} or {@code unseal}), set per FC function;
         * without it, the {@code x-fc-function-handler} header decides.
         */
        Optional<String> function();

        /** How long {@code /initialize} waits for the warm-up before answering anyway. */
        @WithDefault("20s")
        Duration initializeTimeout();
    }
}
