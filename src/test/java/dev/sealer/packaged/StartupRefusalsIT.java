package dev.sealer.packaged;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged application refuses, at start and with a message naming the property, every
 * configuration that would make it unsafe: verification off inside a TEE, the emulator or generated
 * keys outside development, no authentication (or an empty token), a body limit that cannot carry the
 * largest sealed secret, ambiguous credential sources. And it starts with a sound configuration.
 */
class StartupRefusalsIT {

    /** What the tee profile needs besides (TeeStartupIT covers its own refusals). */
    private static final String ATTESTED_RECIPIENT = "kbs:///default/sealer/unseal-recipient";

    @TempDir
    Path work;

    /** A sound user-mode configuration: an API token, and (empty) credential and key folders. */
    private Map<String, String> sound() throws IOException {
        Files.createDirectories(work.resolve("credentials"));
        Map<String, String> properties = new HashMap<>();
        properties.put("sealer.api-token", "startup-token-9f3e1a");
        return properties;
    }

    private PackagedApp.Outcome start(Map<String, String> properties) {
        return PackagedApp.start(work, properties, Map.of());
    }

    private static void assertRefused(PackagedApp.Outcome outcome, String... phrases) {
        assertThat(outcome.refusedToStart()).as(outcome.output()).isTrue();
        assertThat(outcome.output()).contains(phrases);
    }

    @Test
    void soundConfiguration_starts() throws IOException {
        PackagedApp.Outcome outcome = start(sound());

        assertThat(outcome.started()).as(outcome.output()).isTrue();
        assertThat(outcome.output()).contains("Profiles prod,user activated").doesNotContain("startup-token-9f3e1a");
    }

    @Test
    void warmUpOff_asTheReadmeDocuments_starts() throws IOException {
        Map<String, String> properties = sound();
        properties.put("sealer.warm-up", "false");

        assertThat(start(properties).started()).isTrue();
    }

    @Test
    void verificationSkip_inTheTeeProfile_isRefused() throws IOException {
        Map<String, String> properties = sound();
        properties.put("quarkus.profile", "tee");
        properties.put("sealer.tee.unseal.recipient", ATTESTED_RECIPIENT);
        properties.put("sealed-secret.verification.skip", "true");

        assertRefused(start(properties), "sealed-secret.verification.skip=true is not allowed in the tee profile");
    }

    @Test
    void emulator_outsideDevAndTest_isRefused_inEveryProfile() throws IOException {
        for (String profile : new String[] {"tee", "fc", "prod"}) {
            Map<String, String> properties = sound();
            properties.put("quarkus.profile", profile);
            properties.put("sealer.tee.unseal.recipient", ATTESTED_RECIPIENT);
            properties.put("aliyun.kms.emulator.enabled", "true");

            assertRefused(start(properties), "aliyun.kms.emulator.enabled=true is refused");
            assertThat(work.resolve(".kms-emulator"))
                    .as("no emulator file written in %s", profile)
                    .doesNotExist();
        }
    }

    @Test
    void generatedSigningKey_outsideDevAndTest_isRefused() throws IOException {
        Map<String, String> properties = sound();
        properties.put("quarkus.profile", "tee");
        properties.put("sealer.tee.unseal.recipient", ATTESTED_RECIPIENT);
        properties.put(
                "sealed-secret.signing.jwk-file", work.resolve("signing.jwk").toString());
        properties.put("sealed-secret.signing.kid", "kbs:///default/sealed-secret/k");
        properties.put("sealed-secret.signing.generate-if-missing", "true");

        assertRefused(start(properties), "sealed-secret.signing.generate-if-missing=true is a development switch");
        assertThat(work.resolve("signing.jwk")).doesNotExist();
    }

    @Test
    void noAuthentication_isRefused_unlessWaivedExplicitly() throws IOException {
        Map<String, String> properties = sound();
        properties.remove("sealer.api-token");

        assertRefused(start(properties), "no authentication is configured");

        properties.put("sealer.allow-unauthenticated", "true");
        PackagedApp.Outcome waived = start(properties);
        assertThat(waived.started()).as(waived.output()).isTrue();
        assertThat(waived.output()).contains("requests are served WITHOUT authentication");
    }

    @Test
    void emptyOrBlankToken_isRefused() throws IOException {
        for (String token : new String[] {"", "   "}) {
            Map<String, String> properties = sound();
            properties.put("sealer.api-token", token);

            PackagedApp.Outcome outcome = start(properties);

            assertThat(outcome.refusedToStart())
                    .as("token '%s': %s", token, outcome.output())
                    .isTrue();
            assertThat(outcome.output()).containsAnyOf("sealer.api-token is empty", "no authentication is configured");
        }
    }

    @Test
    void emptyTokenFile_isRefused() throws IOException {
        Map<String, String> properties = sound();
        properties.remove("sealer.api-token");
        Path file = Files.writeString(work.resolve("api-token"), "  \n");
        properties.put("sealer.api-token-file", file.toString());

        assertRefused(start(properties), "sealer.api-token-file names a file that is missing, unreadable or empty");
    }

    @Test
    void tokenTheCdhDidNotUnseal_isRefused_withTheReason() throws IOException {
        Map<String, String> properties = sound();
        properties.remove("sealer.api-token");
        Path file = Files.writeString(work.resolve("api-token"), "sealed.eyJhbGciOiJFUzI1NiJ9.e30.c2ln\n");
        properties.put("sealer.api-token-file", file.toString());

        assertRefused(start(properties), "the API token is still a sealed secret");
    }

    @Test
    void secretLimitBeyondWhatTheBodyLimitCarries_isRefused() throws IOException {
        Map<String, String> properties = sound();
        properties.put("sealer.max-secret-bytes", String.valueOf(4 * 1024 * 1024));

        assertRefused(start(properties), "sealer.max-secret-bytes=4194304", "quarkus.http.limits.max-body-size");
    }

    @Test
    void tokenFolderHoldingTheCredentials_isRefused() throws IOException {
        Map<String, String> properties = sound();
        properties.put("aliyun.kms.credential-dir", "credentials");
        for (String tokenFolder : new String[] {"credentials", "."}) {
            properties.put("aliyun.kms.sts-token-dir", tokenFolder);

            assertRefused(start(properties), "aliyun.kms.sts-token-dir must be a folder of its own");
        }
        properties.put("aliyun.kms.sts-token-dir", "tokens");
        assertThat(start(properties).started()).isTrue();
    }

    @Test
    void credentialValuesAndFilesTogether_areRefused() throws IOException {
        Map<String, String> properties = sound();
        properties.put("aliyun.kms.instance-id", "kst-x");
        properties.put("aliyun.kms.password", "not-a-real-password");
        properties.put("aliyun.kms.ca-file", work.resolve("ca.pem").toString());

        PackagedApp.Outcome outcome = start(properties);

        assertRefused(outcome, "not both");
        assertThat(outcome.output()).doesNotContain("not-a-real-password");
    }
}
