package dev.sealer.functions;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.sealer.emulator.EmulatorFaults;
import dev.sealer.emulator.EmulatorRoles;
import dev.sealer.emulator.KmsEmulator;
import dev.sealer.testsupport.SecretRecorder;
import dev.sealer.testsupport.TestSigner;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Vault secrets with RAM credentials over HTTP, against the embedded emulator: {@code seal} writes
 * the CDH's provider settings for {@code ecs_ram_role} and {@code sts_token}, {@code unseal} opens
 * them through the KMS OpenAPI (role credentials from the emulator's metadata service, or a token
 * file in the emulator's folder), and envelopes with these client types are refused.
 */
@QuarkusTest
class RamVaultHttpTest {

    private static final String NAME = "db-password";
    private static final String VALUE = "vault-secret-value";

    @Inject
    KmsEmulator emulator;

    @ConfigProperty(name = "sealed-secret.signing.jwk-file")
    Path signingJwk;

    @ConfigProperty(name = "sealed-secret.signing.kid")
    String kid;

    @BeforeEach
    void resetCounts() {
        emulator.faults().resetCounts();
        EmulatorRoles.Issued role = emulator.roles().roleCredentials();
        SecretRecorder.remember(role.accessKeySecret());
        SecretRecorder.remember(role.securityToken());
    }

    @Test
    void ecsRamRole_vault_roundTrips_withTheCdhsProviderSettings() {
        String sealed = SealUnsealHttpTest.seal(
                Map.of("type", "vault", "name", NAME, "provider_settings", Map.of("client_type", "ecs_ram_role")));
        Map<String, Object> payload = TestSigner.payloadOf(sealed);
        assertThat(payload)
                .containsEntry("type", "vault")
                .containsEntry("name", NAME)
                .containsEntry("provider", "aliyun")
                .containsEntry("provider_settings", Map.of("client_type", "ecs_ram_role"))
                .containsEntry("annotations", Map.of());

        SealUnsealHttpTest.unseal(sealed).then().statusCode(200).body("text", equalTo(VALUE));
        assertThat(emulator.faults().requests(EmulatorFaults.OPENAPI_GET_SECRET_VALUE))
                .isEqualTo(1);
        assertThat(emulator.faults().requests("GetSecretValue"))
                .as("not the KMS-instance API")
                .isZero();
    }

    @Test
    void stsToken_vault_roundTrips_withTheCdhsProviderSettings() throws IOException {
        EmulatorRoles.Issued issued = emulator.roles().issue(Duration.ofHours(1));
        SecretRecorder.remember(issued.accessKeySecret());
        SecretRecorder.remember(issued.securityToken());
        Path tokenFile = emulator.credentialDir().resolve("sts-tokens/http-sts-token");
        Files.createDirectories(tokenFile.getParent());
        Files.writeString(tokenFile, issued.tokenFile() + "\n", StandardCharsets.UTF_8);

        Map<String, String> settings =
                Map.of("client_type", "sts_token", "token_path", tokenFile.toString(), "region_id", "cn-hangzhou");
        String sealed = SealUnsealHttpTest.seal(Map.of(
                "type",
                "vault",
                "name",
                NAME,
                "provider_settings",
                settings,
                "annotations",
                Map.of("version_stage", "ACSCurrent")));
        assertThat(TestSigner.payloadOf(sealed))
                .containsEntry("provider_settings", settings)
                .containsEntry("annotations", Map.of("version_stage", "ACSCurrent"));

        SealUnsealHttpTest.unseal(sealed).then().statusCode(200).body("text", equalTo(VALUE));
        assertThat(emulator.faults().requests(EmulatorFaults.OPENAPI_GET_SECRET_VALUE))
                .isEqualTo(1);
    }

    /** An sts_token vault secret as the CDH's tool writes it with these provider settings (seal refuses relative paths). */
    private String cdhStsVault(String tokenPath) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("version", "0.1.0");
        payload.put("type", "vault");
        payload.put("name", NAME);
        payload.put("provider", "aliyun");
        payload.put(
                "provider_settings",
                Map.of("client_type", "sts_token", "token_path", tokenPath, "region_id", "cn-hangzhou"));
        payload.put("annotations", Map.of());
        return TestSigner.fromJwkFile(signingJwk, kid).sign(payload);
    }

    @Test
    void stsToken_theEmulatorsOwnTokenFile_byARelativePath_sealRefuses_unsealStillOpens() throws IOException {
        for (String part : Files.readString(emulator.credentialDir().resolve("sts-tokens/emulator-sts-token"))
                .strip()
                .split(":")) {
            SecretRecorder.remember(part);
        }
        given().contentType(ContentType.JSON)
                .body(Map.of(
                        "type",
                        "vault",
                        "name",
                        NAME,
                        "provider_settings",
                        Map.of(
                                "client_type",
                                "sts_token",
                                "token_path",
                                "emulator-sts-token",
                                "region_id",
                                "cn-hangzhou")))
                .when()
                .post("/seal")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_id"));
        SealUnsealHttpTest.unseal(cdhStsVault("emulator-sts-token"))
                .then()
                .statusCode(200)
                .body("text", equalTo(VALUE));
    }

    @Test
    void stsToken_pathNamingACredentialFile_isRefused_andNothingIsSent() throws IOException {
        Path credentials = emulator.credentialDir().toAbsolutePath();
        String clientKey = "clientKey_KAAP.emulator-client-key-0001.json";
        Files.createDirectories(credentials.resolve("sts-tokens"));
        // a link inside the token folder that leads to the client key is no way round either
        Path link = credentials.resolve("sts-tokens/innocent-name");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, credentials.resolve(clientKey));
        emulator.faults().resetCounts();
        for (String tokenPath : new String[] {
            clientKey,
            "../" + clientKey,
            credentials.resolve(clientKey).toString(),
            "password_KAAP.emulator-client-key-0001.json",
            "../PrivateKmsCA_kst-emu00000000000000001.pem",
            "../ecsRamRole.json",
            "CLIENTKEY_KAAP.emulator-client-key-0001.JSON",
            "innocent-name"
        }) {
            String body = SealUnsealHttpTest.unseal(cdhStsVault(tokenPath))
                    .then()
                    .statusCode(400)
                    .body("error", equalTo("invalid_id"))
                    .extract()
                    .asString();
            assertThat(body)
                    .as(tokenPath)
                    .doesNotContain(credentials.toString())
                    .doesNotContain("parts");
        }
        assertThat(emulator.faults().requests(EmulatorFaults.OPENAPI_GET_SECRET_VALUE))
                .as("no credential file was ever sent as a token")
                .isZero();
    }

    @Test
    void vaultWrittenByTheCdhsTool_withEcsRamRole_opens() {
        // the secret CLI writes empty annotations and provider settings given on its command line
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("version", "0.1.0");
        payload.put("type", "vault");
        payload.put("name", NAME);
        payload.put("provider", "aliyun");
        payload.put("provider_settings", Map.of("client_type", "ecs_ram_role"));
        payload.put("annotations", Map.of());
        String sealed = TestSigner.fromJwkFile(signingJwk, kid).sign(payload);
        SealUnsealHttpTest.unseal(sealed).then().statusCode(200).body("text", equalTo(VALUE));
    }

    @Test
    void envelope_withRamClientTypes_isRefused() {
        for (Map<String, String> settings : List.of(
                Map.of("client_type", "ecs_ram_role"),
                Map.of("client_type", "sts_token", "token_path", "/t", "region_id", "cn-hangzhou"))) {
            given().contentType(ContentType.JSON)
                    .body(Map.of("text", "no envelope", "provider_settings", settings))
                    .when()
                    .post("/seal")
                    .then()
                    .statusCode(400)
                    .body("error", equalTo("unsupported_client_type"));
        }
        assertThat(emulator.faults().requests()).isZero();
    }
}
