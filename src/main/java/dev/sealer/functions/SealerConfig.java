package dev.sealer.functions;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Configuration of the service itself ({@code sealer.*}). */
@ConfigMapping(prefix = "sealer")
public interface SealerConfig {

    /** The largest secret, in bytes, that seal accepts and unseal returns. */
    @WithDefault("1048576")
    int maxSecretBytes();

    /**
     * When set, every entry point requires {@code Authorization: Bearer <token>}. Secret; never
     * logged.
     */
    Optional<String> apiToken();

    /** A file holding the API token (trailing white space ignored); re-read when it changes. */
    Optional<Path> apiTokenFile();

    DataKeyCache dataKeyCache();

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
}
