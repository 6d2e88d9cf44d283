package dev.sealer.functions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sealer.emulator.EmulatorFaults;
import dev.sealer.emulator.EmulatorRoles;
import dev.sealer.emulator.KmsEmulator;
import dev.sealer.testsupport.SealerHttp;
import dev.sealer.testsupport.SecretRecorder;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What goes wrong with RAM credentials, over HTTP, each with its documented status and code and no
 * secret or path in the answer: a missing or malformed {@code ecsRamRole.json}, token files with two
 * or four parts or none at all, a wrong AccessKeySecret, an expired token, a metadata service that is
 * down or too slow. The credential folder (and so the token folder) is one of this test's own; the
 * emulator still serves the KMS and the metadata service.
 */
@QuarkusTest
@TestProfile(RamCredentialErrorsTest.OwnFolder.class)
class RamCredentialErrorsTest {

    static final Path FOLDER = Path.of("target/test-state/ram-errors").toAbsolutePath();
    private static final AtomicInteger ROLES = new AtomicInteger();

    public static class OwnFolder implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                Files.createDirectories(FOLDER);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return Map.of(
                    "aliyun.kms.credential-dir",
                    FOLDER.toString(),
                    // generous for a loaded CI machine (300 ms made a normal answer time out under load);
                    // the "too slow" case below delays five times as long
                    "aliyun.kms.ecs-metadata-timeout",
                    "2s",
                    "aliyun.kms.call-timeout",
                    "5s");
        }
    }

    @Inject
    KmsEmulator emulator;

    @BeforeEach
    void reset() throws IOException {
        emulator.faults().resetCounts();
        Files.deleteIfExists(FOLDER.resolve("ecsRamRole.json"));
    }

    @AfterEach
    void clearFaults() {
        emulator.faults().clear();
    }

    @Test
    void ecsRamRole_withoutEcsRamRoleJson_isCredentialsNotFound() {
        assertError(unseal(ecsRamRoleSecret()), 422, "credentials_not_found");
    }

    @Test
    void ecsRamRole_malformedEcsRamRoleJson_isCredentialsInvalid() throws IOException {
        String sealed = ecsRamRoleSecret();
        for (String content : new String[] {
            "{\"ecs_ram_role_name\": \"R\"",
            "{\"ecs_ram_role_name\": \"R\"}",
            "{\"ecs_ram_role_name\": \"R\", \"region_id\": \"cn-hangzhou.evil.example\"}"
        }) {
            writeRoleFile(content);
            assertError(unseal(sealed), 500, "credentials_invalid");
        }
        assertThat(emulator.faults().requests()).isZero();
    }

    @Test
    void ecsRamRole_metadataServiceDown_isCredentialsUnavailable() throws IOException {
        writeRoleFile("{\"ecs_ram_role_name\": \"" + freshRole() + "\", \"region_id\": \"cn-hangzhou\"}");
        emulator.faults().script(EmulatorFaults.Action.DROP);
        assertError(unseal(ecsRamRoleSecret()), 503, "credentials_unavailable");
        assertThat(emulator.faults().requests(EmulatorFaults.OPENAPI_GET_SECRET_VALUE))
                .isZero();
    }

    @Test
    void ecsRamRole_metadataServiceTooSlow_isCredentialsUnavailable() throws IOException {
        writeRoleFile("{\"ecs_ram_role_name\": \"" + freshRole() + "\", \"region_id\": \"cn-hangzhou\"}");
        emulator.faults().set(Duration.ofSeconds(10), 0, 0, 0);
        assertError(unseal(ecsRamRoleSecret()), 503, "credentials_unavailable");
    }

    @Test
    void ecsRamRole_roleTheMetadataServiceDoesNotKnow_isCredentialsInvalid() throws IOException {
        writeRoleFile("{\"ecs_ram_role_name\": \"" + freshRole() + "\", \"region_id\": \"cn-hangzhou\"}");
        assertError(unseal(ecsRamRoleSecret()), 500, "credentials_invalid");
    }

    @Test
    void stsToken_fileWithTwoOrFourParts_isCredentialsInvalid() throws IOException {
        EmulatorRoles.Issued issued = issue(Duration.ofHours(1));
        writeToken("two", issued.accessKeyId() + ":" + issued.accessKeySecret());
        writeToken("four", issued.tokenFile() + ":extra");
        assertError(unseal(stsSecret("two")), 500, "credentials_invalid");
        assertError(unseal(stsSecret("four")), 500, "credentials_invalid");
        assertThat(emulator.faults().requests()).isZero();
    }

    @Test
    void stsToken_anyFileThatIsNoTokenFile_getsOneMessage_tellingNothingOfItsShape() throws IOException {
        writeToken("two-parts", "a:b");
        writeToken("five-parts", "a:b:c:d:e");
        writeToken("spaces", "a b:c:d");
        writeToken("empty-id", ":b:c");
        writeToken("json", "{\"KeyId\": \"KAAP.x\", \"PrivateKeyData\": \"MIIJ\"}");
        writeToken("big", "a:b:" + "c".repeat(20_000));
        java.util.Set<String> messages = new java.util.HashSet<>();
        for (String file : new String[] {"two-parts", "five-parts", "spaces", "empty-id", "json", "big"}) {
            Response response = unseal(stsSecret(file));
            assertError(response, 500, "credentials_invalid");
            messages.add(response.path("message"));
        }
        assertThat(messages).hasSize(1);
        assertThat(messages.iterator().next()).doesNotContainPattern("[0-9] parts|holds [0-9]|white space|empty");
        assertThat(emulator.faults().requests()).isZero();
    }

    @Test
    void stsToken_missingFile_isCredentialsNotFound() {
        assertError(unseal(stsSecret("never-written")), 422, "credentials_not_found");
    }

    @Test
    void stsToken_wrongSecret_isKmsErrorSignatureDoesNotMatch() throws IOException {
        EmulatorRoles.Issued issued = issue(Duration.ofHours(1));
        writeToken(
                "wrong",
                issued.accessKeyId() + ":" + SecretRecorder.remember("AWrongSecretOfTheHttpTest") + ":"
                        + issued.securityToken());
        Response response = unseal(stsSecret("wrong"));
        assertError(response, 502, "kms_error");
        assertThat(response.<String>path("kms_error_code")).isEqualTo("SignatureDoesNotMatch");
    }

    @Test
    void stsToken_expiredToken_isKmsErrorInvalidSecurityTokenExpired() throws IOException {
        writeToken("expired", issue(Duration.ofMinutes(-5)).tokenFile());
        Response response = unseal(stsSecret("expired"));
        assertError(response, 502, "kms_error");
        assertThat(response.<String>path("kms_error_code")).isEqualTo("InvalidSecurityToken.Expired");
    }

    @Test
    void stsToken_goodFile_opens_inThisFolder() throws IOException {
        writeToken("good", issue(Duration.ofHours(1)).tokenFile());
        unseal(stsSecret("good")).then().statusCode(200);
    }

    private EmulatorRoles.Issued issue(Duration ttl) {
        EmulatorRoles.Issued issued = emulator.roles().issue(ttl);
        SecretRecorder.remember(issued.accessKeySecret());
        SecretRecorder.remember(issued.securityToken());
        return issued;
    }

    private static String freshRole() {
        return "RoleOfTheErrorTest" + ROLES.incrementAndGet() + "x" + System.nanoTime();
    }

    private static void writeRoleFile(String content) throws IOException {
        Path file = FOLDER.resolve("ecsRamRole.json");
        Files.writeString(file, content);
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(ROLES.incrementAndGet())));
    }

    private static void writeToken(String name, String content) throws IOException {
        Path tokens = Files.createDirectories(FOLDER.resolve("sts-tokens"));
        Files.writeString(tokens.resolve(name), content, StandardCharsets.UTF_8);
    }

    private static String ecsRamRoleSecret() {
        return SealUnsealHttpTest.seal(Map.of(
                "type", "vault", "name", "db-password", "provider_settings", Map.of("client_type", "ecs_ram_role")));
    }

    private static String stsSecret(String tokenFile) {
        return SealUnsealHttpTest.seal(Map.of(
                "type",
                "vault",
                "name",
                "db-password",
                "provider_settings",
                Map.of(
                        "client_type",
                        "sts_token",
                        "token_path",
                        FOLDER.resolve("sts-tokens").resolve(tokenFile).toString(),
                        "region_id",
                        "cn-hangzhou")));
    }

    private static Response unseal(String sealed) {
        return SealerHttp.unseal(sealed);
    }

    private static void assertError(Response response, int status, String error) {
        String body = response.asString();
        assertThat(response.statusCode()).as(body).isEqualTo(status);
        assertThat(response.<String>path("error")).as(body).isEqualTo(error);
        assertThat(body)
                .doesNotContain(FOLDER.toString())
                .doesNotContain("RoleOfTheErrorTest")
                .doesNotContain("Exception")
                .doesNotContain("STS.emulator")
                .doesNotContain("string to sign is");
    }
}
