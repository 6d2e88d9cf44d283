package dev.sealer.functions.runtime;

import dev.sealer.ErrorCode;
import dev.sealer.ServiceFaultException;
import dev.sealer.secret.SecretSealer;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The rules a configuration must satisfy, checked before the service takes requests; any violation
 * stops the start with a message that names the property:
 *
 * <ul>
 *   <li>inside a TEE ({@code tee} profile) signature verification cannot be switched off;
 *   <li>development switches (generated signing keys; the emulator checks itself) only in {@code dev} and {@code test};
 *   <li>(authentication is checked by {@code Authentication} itself);
 *   <li>the HTTP body limit can carry the largest sealed secret the secret limit allows;
 *   <li>(unseal over CloudEvents, when enabled, has a usable recipient key: checked by {@code EventAnswers});
 *   <li>the signing key, if configured, loads (or is absent and declared optional).
 * </ul>
 */
@Singleton
class StartupChecks {

    private static final Logger LOG = Logger.getLogger(StartupChecks.class);
    private static final Set<String> FUNCTIONS = Set.of("seal", "unseal", "reseal", "check");
    /** Room in a request body for JSON around the sealed secret. */
    private static final long JSON_OVERHEAD = 8 * 1024;

    @Inject
    SealerConfig config;

    @Inject
    SealedSecretConfig secretConfig;

    @Inject
    SecretSealer sealer;

    void check(@Observes @Priority(1) StartupEvent event) {
        check(Profiles.active());
        LOG.infof(
                "sealing %s",
                sealer.canSeal()
                        ? "enabled (kid " + secretConfig.signing().kid().orElse("?") + ")"
                        : "disabled: this instance only unseals");
        secretConfig
                .signing()
                .kid()
                .filter(kid -> sealer.canSeal() && !isKbsUri(kid))
                .ifPresent(kid -> LOG.warnf(
                        "sealed-secret.signing.kid %s is a file kid: a stock CDH opens what this service seals only where the "
                                + "guest image ships the public key under /run/confidential-containers/cdh/sealed-secret (a "
                                + "KBS-URI kid, kbs:///<repo>/<type>/<tag>, is fetched from KBS)",
                        kid));
    }

    /** A kid the CDH reads as a KBS resource URI (guest-components 8246e5e, hub/src/secret/mod.rs get_kid). */
    static boolean isKbsUri(String kid) {
        String lower = kid.toLowerCase(java.util.Locale.ROOT);
        return lower.startsWith("kbs://") || lower.startsWith("kbs+");
    }

    void check(List<String> profiles) {
        if (secretConfig.verification().skip() && Profiles.isTee(profiles)) {
            throw refused(
                    "sealed-secret.verification.skip=true is not allowed in the tee profile: verification is always on there");
        }
        if (secretConfig.signing().generateIfMissing() && !Profiles.isDevelopment(profiles)) {
            throw refused(
                    "sealed-secret.signing.generate-if-missing=true is a development switch: it is refused outside "
                            + "the dev and test profiles (active: " + String.join(",", profiles) + ")");
        }
        long maxBody = HttpLimits.maxBodyBytes();
        long needed = sealer.limits().maxSealedChars() + JSON_OVERHEAD;
        if (needed > maxBody) {
            throw refused(
                    "sealer.max-secret-bytes=" + config.maxSecretBytes() + " makes sealed secrets of up to " + needed
                            + " bytes, more than quarkus.http.limits.max-body-size (" + maxBody
                            + " bytes) lets unseal receive: "
                            + "raise the body limit or lower the secret limit");
        }
        config.functionCompute().function().ifPresent(function -> {
            if (!FUNCTIONS.contains(function)) {
                throw refused("sealer.function-compute.function must be 'seal', 'unseal', 'reseal' or 'check'");
            }
        });
    }

    private static ServiceFaultException refused(String message) {
        return new ServiceFaultException(ErrorCode.NOT_CONFIGURED, message);
    }
}
