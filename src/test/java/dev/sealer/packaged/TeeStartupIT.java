package dev.sealer.packaged;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged application started in {@code tee} exactly as the image's tee entry point starts it (its
 * pins as system properties, {@link TeeApp}), with each setting the host could use to weaken it given
 * through the channel the host controls, the pod's environment: every one stops the start, with a message
 * naming the setting. Those the entry point pins (the profile, the resource API) cannot be moved by the
 * environment, and an environment that tries is refused too. The two opt-ins count only on the command line.
 */
class TeeStartupIT {

    private static final String TOKEN = "tee-startup-token-41c7";
    /** A public EC JWK (the example key of RFC 7517, appendix A.1). */
    private static final String PUBLIC_JWK = "{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"1\","
            + "\"x\":\"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4\",\"y\":\"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM\"}";

    @TempDir
    Path work;

    /** A sound tee configuration in the pod's environment: a token, an attested recipient, a credential folder. */
    private Map<String, String> soundEnvironment() throws IOException {
        Files.createDirectories(work.resolve("credentials"));
        Map<String, String> env = new HashMap<>();
        env.put("SEALER_API_TOKEN", TOKEN);
        env.put("SEALER_TEE_UNSEAL_RECIPIENT", "kbs:///default/sealer/unseal-recipient");
        env.put("ALIYUN_KMS_CREDENTIAL_DIR", work.resolve("credentials").toString());
        env.put("QUARKUS_PROFILE", "tee");
        return env;
    }

    private record Outcome(Integer exit, String output) {
        boolean started() {
            return exit == null;
        }
    }

    private Outcome start(List<String> extraJvmArguments, Map<String, String> env) throws Exception {
        List<String> arguments = new ArrayList<>(TeeApp.pins(null));
        arguments.addAll(extraJvmArguments);
        try (TeeApp app = TeeApp.launch(work, arguments, env)) {
            Integer exit = app.awaitStartOrExit();
            return new Outcome(exit, app.output());
        }
    }

    private void assertRefused(Map<String, String> env, String... phrases) throws Exception {
        Outcome outcome = start(List.of(), env);
        assertThat(outcome.started()).as(outcome.output()).isFalse();
        assertThat(outcome.exit()).isNotZero();
        assertThat(outcome.output()).contains(phrases).doesNotContain(TOKEN);
    }

    @Test
    void soundConfiguration_startsInTee() throws Exception {
        Outcome outcome = start(List.of(), soundEnvironment());

        assertThat(outcome.started()).as(outcome.output()).isTrue();
        assertThat(outcome.output())
                .contains("Profile tee activated")
                .contains("tee: unseal answers are encrypted to kbs:///default/sealer/unseal-recipient; seal off")
                .doesNotContain(TOKEN);
    }

    @Test
    void noAuthentication_isRefused() throws Exception {
        Map<String, String> env = soundEnvironment();
        env.put("SEALER_ALLOW_UNAUTHENTICATED", "true");

        assertRefused(env, "sealer.allow-unauthenticated=true is not allowed in the tee profile");
    }

    @Test
    void verificationSkipped_isRefused() throws Exception {
        Map<String, String> env = soundEnvironment();
        env.put("SEALED_SECRET_VERIFICATION_SKIP", "true");

        assertRefused(env, "sealed-secret.verification.skip=true is not allowed in the tee profile");
    }

    @Test
    void emulator_isRefused() throws Exception {
        Map<String, String> env = soundEnvironment();
        env.put("ALIYUN_KMS_EMULATOR_ENABLED", "true");

        assertRefused(env, "aliyun.kms.emulator.enabled=true is refused");
        assertThat(work.resolve(".kms-emulator")).doesNotExist();
    }

    @Test
    void clusterOidc_isRefused_unlessAcceptedOnTheCommandLine() throws Exception {
        Map<String, String> env = soundEnvironment();
        env.put("SEALER_AUTH_OIDC_ENABLED", "true");
        env.put("SEALER_AUTH_OIDC_ISSUER", "https://kubernetes.default.svc.cluster.local");
        env.put("SEALER_AUTH_OIDC_AUDIENCE", "aliyun-kms-sealer");
        env.put("SEALER_AUTH_OIDC_JWKS", "{\"keys\":[" + PUBLIC_JWK + "]}");
        env.put("SEALER_AUTH_OIDC_SEAL_SUBJECTS", "system:serviceaccount:sealer:seal-trigger");

        assertRefused(env, "sealer.auth.oidc.enabled=true trusts the cluster's API server");

        Map<String, String> optInFromEnvironment = new HashMap<>(env);
        optInFromEnvironment.put("SEALER_TEE_ACCEPT_CLUSTER_OIDC", "true");
        assertRefused(
                optInFromEnvironment,
                "sealer.tee.accept-cluster-oidc=true is honoured in tee only on the command line");

        Outcome accepted = start(List.of("-Dsealer.tee.accept-cluster-oidc=true"), env);
        assertThat(accepted.started()).as(accepted.output()).isTrue();
    }

    @Test
    void plaintextAnswers_areRefused() throws Exception {
        Map<String, String> noRecipient = soundEnvironment();
        noRecipient.remove("SEALER_TEE_UNSEAL_RECIPIENT");
        assertRefused(
                noRecipient, "sealer.tee.unseal.recipient is not set: unseal answers would leave the guest in clear");

        Map<String, String> notAttested = soundEnvironment();
        notAttested.put("SEALER_TEE_UNSEAL_RECIPIENT", "/etc/recipient.jwk");
        assertRefused(notAttested, "sealer.tee.unseal.recipient must be a KBS resource URI");

        Map<String, String> hostsRecipient = soundEnvironment();
        hostsRecipient.put("SEALER_EVENTS_UNSEAL_ENABLED", "true");
        hostsRecipient.put("SEALER_EVENTS_UNSEAL_RECIPIENT_JWK", PUBLIC_JWK);
        assertRefused(hostsRecipient, "sealer.events.unseal.recipient-jwk and -file are refused in tee");
    }

    @Test
    void environment_cannotMoveWhatTheEntryPointPins() throws Exception {
        Map<String, String> otherProfile = soundEnvironment();
        otherProfile.put("QUARKUS_PROFILE", "prod");
        Outcome outcome = start(List.of(), otherProfile);
        assertThat(outcome.started()).as(outcome.output()).isFalse();
        assertThat(outcome.output())
                .contains("QUARKUS_PROFILE in the environment names another profile than the tee entry point")
                .doesNotContain("Profiles prod");

        Map<String, String> otherApi = soundEnvironment();
        otherApi.put("SEALED_SECRET_VERIFICATION_KBS_RESOURCE_URL", "http://10.0.0.1:8006/cdh/resource");
        assertRefused(otherApi, "SEALED_SECRET_VERIFICATION_KBS_RESOURCE_URL in the environment differs");

        Map<String, String> localMirror = soundEnvironment();
        localMirror.put("SEALED_SECRET_VERIFICATION_KBS_RESOURCE_DIR", work.toString());
        assertRefused(localMirror, "sealed-secret.verification.kbs-resource-dir is refused in tee");
    }

    @Test
    void teeFromTheEnvironmentAlone_isRefused() throws Exception {
        // the image's ordinary entry point with QUARKUS_PROFILE=tee: the host could as well have written "prod"
        Outcome outcome;
        try (TeeApp app = TeeApp.launch(work, List.of(), soundEnvironment())) {
            outcome = new Outcome(app.awaitStartOrExit(), app.output());
        }
        assertThat(outcome.started()).as(outcome.output()).isFalse();
        assertThat(outcome.output()).contains("the tee profile must be chosen by the image's tee entry point");
    }

    @Test
    void jvmOptionVariables_areRefused() throws Exception {
        for (String variable : List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS")) {
            Map<String, String> env = soundEnvironment();
            env.put(variable, "-Dsealer.warm-up=false");

            assertRefused(env, variable + " is set: JVM options from the environment are refused in tee");
        }
    }

    @Test
    void dataKeyCache_isRefused() throws Exception {
        Map<String, String> env = soundEnvironment();
        env.put("SEALER_DATA_KEY_CACHE_ENABLED", "true");

        assertRefused(env, "sealer.data-key-cache.enabled=true is refused in tee");
    }

    @Test
    void loopbackListener_withoutItsOwnTokenFromKbs_isRefused() throws Exception {
        Map<String, String> env = soundEnvironment();
        env.put("SEALER_TEE_LOOPBACK_PORT", "0");

        assertRefused(env, "sealer.tee.loopback-port needs sealer.tee.loopback-token");
    }

    @Test
    void seal_isEnabledOnlyOnTheCommandLine_andOnlyWithAnInputKey() throws Exception {
        Map<String, String> env = soundEnvironment();
        env.put("SEALER_TEE_SEAL_ENABLED", "true");
        env.put("SEALER_TEE_SEAL_INPUT_KEY", "kbs:///default/sealer/seal-input");
        assertRefused(env, "sealer.tee.seal.enabled=true is honoured in tee only on the command line");

        Outcome noKey = start(List.of("-Dsealer.tee.seal.enabled=true"), soundEnvironment());
        assertThat(noKey.started()).as(noKey.output()).isFalse();
        assertThat(noKey.output()).contains("sealer.tee.seal.enabled=true needs sealer.tee.seal.input-key");

        Map<String, String> withKey = soundEnvironment();
        withKey.put("SEALER_TEE_SEAL_INPUT_KEY", "kbs:///default/sealer/seal-input");
        Outcome enabled = start(List.of("-Dsealer.tee.seal.enabled=true"), withKey);
        assertThat(enabled.started()).as(enabled.output()).isTrue();
        assertThat(enabled.output()).contains("seal on (input encrypted to the guest)");
    }
}
