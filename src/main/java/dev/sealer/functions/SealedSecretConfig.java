package dev.sealer.functions;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.Optional;

/** Configuration of sealed-secret signing and verification ({@code sealed-secret.*}). */
@ConfigMapping(prefix = "sealed-secret")
public interface SealedSecretConfig {

    Signing signing();

    Verification verification();

    interface Signing {
        /** A P-256 JWK with its private part {@code d} (secret). Without it, seal is refused. */
        Optional<Path> jwkFile();

        /** The kid written into every JWS header; the CDH looks the verification key up by it. */
        Optional<String> kid();

        /**
         * Generate a key pair when {@link #jwkFile()} does not exist yet, and install its public
         * half in the verification directory. For dev mode and tests only.
         */
        @WithDefault("false")
        boolean generateIfMissing();
    }

    interface Verification {
        /** Directory of public JWKs, one file per kid (the CDH's layout). */
        @WithDefault("/run/confidential-containers/cdh/sealed-secret")
        Path keyDir();

        /**
         * Accept sealed secrets without verifying their signature, including the legacy unsigned
         * form. Dangerous; never in the {@code tee} profile.
         */
        @WithDefault("false")
        boolean skip();
    }
}
