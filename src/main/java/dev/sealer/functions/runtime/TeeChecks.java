package dev.sealer.functions.runtime;

import dev.sealer.ErrorCode;
import dev.sealer.ServiceFaultException;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.SmallRyeConfig;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * What the {@code tee} profile refuses at start, because the host (kubelet, the API server, whoever writes
 * the pod spec) could otherwise weaken it (README "Threat model in tee"). Checked first of all start-up
 * checks; any violation stops the start with a message naming the setting:
 *
 * <ul>
 *   <li>the profile chosen by anything but a system property (the image's tee entry point
 *       {@code sealer-tee} sets {@code -Dquarkus.profile=tee}, which outranks the environment), or an
 *       environment that names another profile;
 *   <li>JVM option variables ({@code JAVA_TOOL_OPTIONS}, {@code JDK_JAVA_OPTIONS}, {@code _JAVA_OPTIONS}) or
 *       agent and debugger flags: each could load code into the JVM (the entry point removes the variables);
 *   <li>no authentication ({@code sealer.allow-unauthenticated=true});
 *   <li>OIDC tokens of the cluster, whose issuer is the API server, unless
 *       {@code -Dsealer.tee.accept-cluster-oidc=true} accepts that risk on the command line;
 *   <li>plaintext unseal answers: no attested recipient ({@code sealer.tee.unseal.recipient}), or a recipient
 *       from the environment ({@code sealer.events.unseal.recipient-jwk}, {@code -file});
 *   <li>attested keys from anywhere but the guest's resource API on loopback
 *       ({@code sealed-secret.verification.kbs-resource-url}; a local {@code kbs-resource-dir} is refused);
 *   <li>{@code sealer.tee.seal.enabled} from anywhere but the command line, or without a seal input key;
 *   <li>a loopback listener without its own token from KBS ({@code sealer.tee.loopback-token});
 *   <li>the data-key cache (a cached data key would let a reseal skip the Decrypt that proves the
 *       credentials genuine).
 * </ul>
 *
 * Signature verification ({@link StartupChecks}) and the emulator (refused outside dev and test) are
 * checked where they always are.
 */
@Singleton
class TeeChecks {

    private static final Logger LOG = Logger.getLogger(TeeChecks.class);
    /** SmallRye Config's ordinal of system properties (the environment has 300, application.properties 250). */
    private static final int SYSTEM_PROPERTIES = 400;

    static final List<String> JVM_OPTION_VARIABLES = List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");
    private static final List<String> CODE_LOADING_FLAGS =
            List.of("-javaagent", "-agentlib", "-agentpath", "-Xrunjdwp", "-Xdebug", "-XX:+EnableDynamicAgentLoading");

    @Inject
    SmallRyeConfig config;

    @Inject
    SealerConfig sealer;

    @Inject
    SealedSecretConfig secrets;

    void check(@Observes @Priority(0) StartupEvent event) {
        if (Profiles.isTee(Profiles.active())) {
            check(System.getenv(), ManagementFactory.getRuntimeMXBean().getInputArguments());
            LOG.infof(
                    "tee: unseal answers are encrypted to %s; seal %s; loopback listener %s",
                    sealer.tee().unseal().recipient().orElse("?"),
                    sealer.tee().seal().enabled() ? "on (input encrypted to the guest)" : "off",
                    sealer.tee().loopbackPort().isPresent()
                            ? "127.0.0.1:" + sealer.tee().loopbackPort().get()
                            : "off");
        }
    }

    void check(Map<String, String> environment, List<String> jvmArguments) {
        ConfigValue profile = config.getConfigValue("quarkus.profile");
        if (profile.getValue() == null || profile.getSourceOrdinal() < SYSTEM_PROPERTIES) {
            throw refused("the tee profile must be chosen by the image's tee entry point (sealer-tee, which sets "
                    + "-Dquarkus.profile=tee): a profile from the environment can be changed by the host");
        }
        String environmentProfile = environment.get("QUARKUS_PROFILE");
        if (environmentProfile != null && !environmentProfile.strip().equals(profile.getValue())) {
            throw refused("QUARKUS_PROFILE in the environment names another profile than the tee entry point");
        }
        for (String variable : JVM_OPTION_VARIABLES) {
            if (environment.containsKey(variable)) {
                throw refused(variable + " is set: JVM options from the environment are refused in tee (they can "
                        + "load code into the JVM; the sealer-tee entry point removes them)");
            }
        }
        for (String argument : jvmArguments) {
            if (CODE_LOADING_FLAGS.stream().anyMatch(argument::startsWith)) {
                throw refused("the JVM was started with an agent or debugger (" + argument.split("[=:]", 2)[0]
                        + "): refused in tee");
            }
        }
        if (sealer.allowUnauthenticated()) {
            throw refused("sealer.allow-unauthenticated=true is not allowed in the tee profile: requests reach the "
                    + "guest through the host, so every one must carry a credential");
        }
        boolean acceptOidc = fromCommandLine("sealer.tee.accept-cluster-oidc");
        if (sealer.auth().oidc().enabled() && !acceptOidc) {
            throw refused("sealer.auth.oidc.enabled=true trusts the cluster's API server (the issuer of the OIDC "
                    + "tokens), which is outside the TEE; in tee it needs -Dsealer.tee.accept-cluster-oidc=true on the "
                    + "command line (not the environment) to accept that risk");
        }
        if (sealer.tee().unseal().recipient().isEmpty()) {
            throw refused("sealer.tee.unseal.recipient is not set: unseal answers would leave the guest in clear. Name "
                    + "the KBS resource of the recipient's public JWK (kbs:///<repo>/<type>/<tag>)");
        }
        attestedUri(
                "sealer.tee.unseal.recipient", sealer.tee().unseal().recipient().get());
        if (sealer.events().unseal().recipientJwk().isPresent()
                || sealer.events().unseal().recipientJwkFile().isPresent()) {
            throw refused("sealer.events.unseal.recipient-jwk and -file are refused in tee: the host could name its "
                    + "own key; unseal answers go to sealer.tee.unseal.recipient (from KBS)");
        }
        if (secrets.verification().kbsResourceDir().isPresent()) {
            throw refused("sealed-secret.verification.kbs-resource-dir is refused in tee: KBS resources come only "
                    + "through the guest's resource API");
        }
        URI api = secrets.verification()
                .kbsResourceUrl()
                .orElseThrow(() -> refused("sealed-secret.verification.kbs-resource-url is not set: the tee profile "
                        + "takes its keys from the guest's resource API"));
        if (!isLoopback(api)) {
            throw refused("sealed-secret.verification.kbs-resource-url must be the guest's resource API on loopback "
                    + "(http://127.0.0.1:8006/cdh/resource)");
        }
        String environmentApi = environment.get("SEALED_SECRET_VERIFICATION_KBS_RESOURCE_URL");
        if (environmentApi != null && !environmentApi.strip().equals(api.toString())) {
            throw refused("SEALED_SECRET_VERIFICATION_KBS_RESOURCE_URL in the environment differs from the URL the tee "
                    + "entry point pins");
        }
        if (sealer.dataKeyCache().enabled()) {
            // a reseal served from the cache would skip the Decrypt that proves the KMS credentials genuine, and
            // send its new data key with credentials the host may have replaced since
            throw refused("sealer.data-key-cache.enabled=true is refused in tee: every reseal must first decrypt "
                    + "through the KMS the credentials name");
        }
        if (sealer.tee().loopbackPort().isPresent()) {
            attestedUri(
                    "sealer.tee.loopback-token",
                    sealer.tee()
                            .loopbackToken()
                            .orElseThrow(
                                    () -> refused("sealer.tee.loopback-port needs sealer.tee.loopback-token, the KBS "
                                            + "resource of the token the loopback listener requires")));
        }
        if (sealer.tee().seal().enabled()) {
            if (!fromCommandLine("sealer.tee.seal.enabled")) {
                throw refused("sealer.tee.seal.enabled=true is honoured only on the command line "
                        + "(-Dsealer.tee.seal.enabled=true), not from the environment");
            }
            attestedUri(
                    "sealer.tee.seal.input-key",
                    sealer.tee()
                            .seal()
                            .inputKey()
                            .orElseThrow(() -> refused("sealer.tee.seal.enabled=true needs sealer.tee.seal.input-key, "
                                    + "the KBS resource of the private JWK seal input is encrypted to")));
        }
    }

    /** True when the property is true and set as a system property (the container's command line). */
    private boolean fromCommandLine(String property) {
        ConfigValue value = config.getConfigValue(property);
        boolean on = value.getValue() != null
                && Boolean.parseBoolean(value.getValue().strip());
        if (on && value.getSourceOrdinal() < SYSTEM_PROPERTIES) {
            throw refused(property + "=true is honoured in tee only on the command line (-D" + property
                    + "=true, which the agent policy pins), not from the environment or a file");
        }
        return on;
    }

    private static void attestedUri(String property, String value) {
        if (!value.strip().toLowerCase(java.util.Locale.ROOT).startsWith("kbs://")) {
            throw refused(property + " must be a KBS resource URI (kbs:///<repo>/<type>/<tag>)");
        }
    }

    /** An IP literal on loopback: a name would be resolved through /etc/hosts, which the host writes. */
    private static boolean isLoopback(URI uri) {
        return "http".equals(uri.getScheme())
                && uri.getHost() != null
                && (uri.getHost().matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")
                        || uri.getHost().equals("[::1]"));
    }

    private static ServiceFaultException refused(String message) {
        return new ServiceFaultException(ErrorCode.NOT_CONFIGURED, message);
    }
}
