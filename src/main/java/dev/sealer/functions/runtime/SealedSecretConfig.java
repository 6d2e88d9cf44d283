package dev.sealer.functions.runtime;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Configuration of sealed-secret signing and verification ({@code sealed-secret.*}). */
@ConfigMapping(prefix = "sealed-secret")
public interface SealedSecretConfig {

    Signing signing();

    Verification verification();

    interface Signing {
        /** A P-256 JWK with its private part {@code d} (secret). Without it, the service only unseals. */
        Optional<Path> jwkFile();

        /**
         * The kid written into every JWS header: a KBS resource URI ({@code kbs:///<repo>/<type>/<tag>},
         * the form a stock CDH fetches) or a file name under the CDH's verification-key folder.
         */
        Optional<String> kid();

        /**
         * The signing key may be absent: when {@link #jwkFile()} names a file that does not exist (e.g. an
         * optional Secret volume that was not created), the service starts unseal-only, as without a
         * jwk-file, and says so in the log and in readiness. Off: a missing file stops the start (a typo
         * must not silently turn sealing off).
         */
        @WithDefault("false")
        boolean optional();

        /**
         * Generate a key pair when {@link #jwkFile()} does not exist yet, and install its public half
         * where verification finds it. Development and tests only: refused in other profiles.
         */
        @WithDefault("false")
        boolean generateIfMissing();

        /**
         * Public keys that {@code GET /jwks} publishes beside the current one, for a rotation window (the
         * previous key while secrets it signed are resealed, or the next one before sealing with it): files,
         * or folders whose every regular file is one, each a public P-256 JWK whose {@code kid} member is the
         * kid it verifies. Read at start; a file with a private part stops the start.
         */
        Optional<List<Path>> previousPublicKeys();
    }

    interface Verification {
        /** Folder of public JWKs for file kids, one file per kid, sub-folders allowed (the CDH's layout). */
        @WithDefault("/run/confidential-containers/cdh/sealed-secret")
        Path keyDir();

        /**
         * For URI kids: a local folder mirroring KBS resources, {@code <dir>/<repo>/<type>/<tag>}, or the CDH's
         * offline resource file (a JSON map of {@code <repo>/<type>/<tag>} to standard base64, the format of
         * {@code OFFLINE_FS_KBC_EXTRA_FILE_PATH}).
         */
        Optional<Path> kbsResourceDir();

        /**
         * The guest's resource API for URI kids, {@code GET <url>/<repo>/<type>/<tag>}; used when no
         * {@link #kbsResourceDir()} is set.
         */
        Optional<URI> kbsResourceUrl();

        /** Timeout of one fetch from the resource API. */
        @WithDefault("5s")
        Duration kbsResourceTimeout();

        /**
         * How long a key fetched from the resource API is kept: as long as a key withdrawn from KBS still verifies
         * here. {@code 0}: fetched for every secret, as the CDH does.
         */
        @WithDefault("30s")
        Duration kbsResourceMaxAge();

        /**
         * Accept sealed secrets without verifying their signature, including the legacy unsigned
         * form. Dangerous; refused in the {@code tee} profile.
         */
        @WithDefault("false")
        boolean skip();

        /**
         * Refuse signatures in their high-S form. Off by default: the CDH's own tools write both forms
         * (they do not normalize), and this service must open what they write.
         */
        @WithDefault("false")
        boolean requireLowS();
    }
}
