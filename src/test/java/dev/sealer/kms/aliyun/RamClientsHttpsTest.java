package dev.sealer.kms.aliyun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.sealer.ErrorCode;
import dev.sealer.SealerException;
import dev.sealer.emulator.EmulatorFaults;
import dev.sealer.emulator.EmulatorFaults.Action;
import dev.sealer.emulator.EmulatorRoles;
import dev.sealer.emulator.KmsEmulator;
import dev.sealer.kms.KmsErrorAnswer;
import dev.sealer.kms.KmsFailureException;
import dev.sealer.kms.KmsProvider.SealedKind;
import dev.sealer.kms.KmsRefusedException;
import dev.sealer.kms.SecretGetter;
import dev.sealer.kms.aliyun.openapi.RpcSigner;
import dev.sealer.testsupport.SecretRecorder;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The RAM client types over real HTTPS against the embedded emulator of the {@code %test} profile,
 * reached through the provider as the functions reach it: {@code sts_token} with token files in the
 * token folder the emulator's folder has by default ({@code sts-tokens}), {@code ecs_ram_role} with the role of the
 * emulator's {@code ecsRamRole.json} and metadata service. Requests are counted by the emulator,
 * never timed.
 */
@QuarkusTest
class RamClientsHttpsTest {

    private static final String SECRET_NAME = "db-password";
    private static final String SECRET_VALUE = "vault-secret-value";

    @Inject
    AliyunKmsProvider provider;

    @Inject
    KmsEmulator emulator;

    @BeforeEach
    void resetCounts() {
        emulator.faults().resetCounts();
    }

    @AfterEach
    void clearFaults() {
        emulator.faults().clear();
    }

    @Test
    void stsToken_readsTheVaultSecret_withOneOpenApiRequest() throws IOException {
        SecretGetter client = stsClient(tokenFile(
                "sts-ok",
                remembered(emulator.roles().issue(Duration.ofHours(1))).tokenFile()));
        assertThat(new String(client.getSecret(SECRET_NAME, Map.of()), StandardCharsets.UTF_8))
                .isEqualTo(SECRET_VALUE);
        assertThat(new String(
                        client.getSecret(SECRET_NAME, Map.of("version_stage", "ACSCurrent", "version_id", "v1")),
                        StandardCharsets.UTF_8))
                .isEqualTo(SECRET_VALUE);
        assertThat(emulator.faults().requests(EmulatorFaults.OPENAPI_GET_SECRET_VALUE))
                .isEqualTo(2);
        assertThat(emulator.faults().requests("GetSecretValue")).isZero();
    }

    @Test
    void ecsRamRole_readsTheVaultSecret_andReusesTheRolesCredentials() {
        remembered(emulator.roles().roleCredentials());
        SecretGetter client = vault(Map.of("client_type", "ecs_ram_role"));
        for (int i = 0; i < 3; i++) {
            assertThat(new String(client.getSecret(SECRET_NAME, Map.of()), StandardCharsets.UTF_8))
                    .isEqualTo(SECRET_VALUE);
        }
        assertThat(emulator.faults().requests(EmulatorFaults.OPENAPI_GET_SECRET_VALUE))
                .isEqualTo(3);
        assertThat(emulator.faults().requests(EmulatorFaults.METADATA)).isLessThanOrEqualTo(1);
    }

    @Test
    void throttlingAndServerFaults_areRetried_withAFreshSignature() throws IOException {
        SecretGetter client = stsClient(tokenFile(
                "sts-retry",
                remembered(emulator.roles().issue(Duration.ofHours(1))).tokenFile()));
        emulator.faults().script(Action.THROTTLE, Action.FAIL);
        assertThat(new String(client.getSecret(SECRET_NAME, Map.of()), StandardCharsets.UTF_8))
                .isEqualTo(SECRET_VALUE);
        assertThat(emulator.faults().requests(EmulatorFaults.OPENAPI_GET_SECRET_VALUE))
                .isEqualTo(3);
    }

    @Test
    void unknownSecret_isACallerFault_withTheKmsCodeAndRequestId() throws IOException {
        SecretGetter client = stsClient(tokenFile(
                "sts-404",
                remembered(emulator.roles().issue(Duration.ofHours(1))).tokenFile()));
        KmsRefusedException e =
                catchThrowableOfType(KmsRefusedException.class, () -> client.getSecret("no-such-secret", Map.of()));
        assertThat(e.errorCode()).isEqualTo(ErrorCode.KMS_SECRET_NOT_FOUND);
        assertThat(e.kmsErrorCode()).isEqualTo("Forbidden.ResourceNotFound");
        assertThat(e.kmsRequestId()).isNotBlank();
        assertThat(emulator.faults().requests(EmulatorFaults.OPENAPI_GET_SECRET_VALUE))
                .isEqualTo(1);
    }

    @Test
    void wrongAccessKeySecret_isSignatureDoesNotMatch_andNoMessageQuotesTheCredentials() throws IOException {
        EmulatorRoles.Issued issued = remembered(emulator.roles().issue(Duration.ofHours(1)));
        String wrongSecret = SecretRecorder.remember("WrongSecretOfTheTest0123");
        SecretGetter client = stsClient(
                tokenFile("sts-wrong", issued.accessKeyId() + ":" + wrongSecret + ":" + issued.securityToken()));

        KmsFailureException e =
                catchThrowableOfType(KmsFailureException.class, () -> client.getSecret(SECRET_NAME, Map.of()));
        assertThat(e.errorCode()).isEqualTo(ErrorCode.KMS_ERROR);
        assertThat(e.kmsErrorCode()).isEqualTo("SignatureDoesNotMatch");
        assertThat(e.getMessage()).contains("wrong AccessKeySecret");
        assertNoCredentialIn(e, issued, wrongSecret);
        assertThat(e.logMessage()).contains("string to sign withheld");
        assertThat(emulator.faults().requests(EmulatorFaults.OPENAPI_GET_SECRET_VALUE))
                .as("never retried")
                .isEqualTo(1);
    }

    @Test
    void expiredToken_isInvalidSecurityTokenExpired() throws IOException {
        EmulatorRoles.Issued expired = remembered(emulator.roles().issue(Duration.ofMinutes(-1)));
        KmsFailureException e = catchThrowableOfType(
                KmsFailureException.class,
                () -> stsClient(tokenFile("sts-expired", expired.tokenFile())).getSecret(SECRET_NAME, Map.of()));
        assertThat(e.errorCode()).isEqualTo(ErrorCode.KMS_ERROR);
        assertThat(e.kmsErrorCode()).isEqualTo("InvalidSecurityToken.Expired");
        assertNoCredentialIn(e, expired, expired.accessKeySecret());
    }

    @Test
    void unknownAccessKeyId_isInvalidAccessKeyIdNotFound() throws IOException {
        KmsFailureException e = catchThrowableOfType(
                KmsFailureException.class,
                () -> stsClient(tokenFile(
                                "sts-unknown",
                                "STS.unknown:" + SecretRecorder.remember("UnknownSecret0123") + ":token"))
                        .getSecret(SECRET_NAME, Map.of()));
        assertThat(e.kmsErrorCode()).isEqualTo("InvalidAccessKeyId.NotFound");
    }

    @Test
    void envelopes_areRefusedWithoutTouchingAnyFile() {
        Map<String, String> sts =
                Map.of("client_type", "sts_token", "token_path", "does-not-exist", "region_id", "cn-hangzhou");
        Map<String, String> ecs = Map.of("client_type", "ecs_ram_role");
        for (Map<String, String> settings : List.of(sts, ecs)) {
            // a RAM client type has no envelope part: neither a sealed envelope nor a seal request reaches one
            assertThat(catchThrowableOfType(
                                    SealerException.class, () -> provider.settings(SealedKind.ENVELOPE, settings))
                            .errorCode())
                    .isEqualTo(ErrorCode.UNSUPPORTED_CLIENT_TYPE);
            assertThat(catchThrowableOfType(
                                    SealerException.class,
                                    () -> provider.settingsForSeal(SealedKind.ENVELOPE, settings))
                            .errorCode())
                    .isEqualTo(ErrorCode.UNSUPPORTED_CLIENT_TYPE);
        }
        assertThat(emulator.faults().requests()).isZero();
    }

    @Test
    void metadataServiceDown_forARoleWithoutCachedCredentials_isCredentialsUnavailable() throws IOException {
        // A role of its own: nothing cached for it. The metadata service drops the connection.
        Path roleFile = emulator.credentialDir().resolve("ecsRamRole.json");
        String original = Files.readString(roleFile);
        try {
            Files.writeString(
                    roleFile, "{\"ecs_ram_role_name\": \"RoleNeverFetched\", \"region_id\": \"cn-hangzhou\"}");
            Files.setLastModifiedTime(
                    roleFile,
                    java.nio.file.attribute.FileTime.from(
                            java.time.Instant.now().plusSeconds(5)));
            emulator.faults().script(Action.DROP);
            SealerException e = catchThrowableOfType(
                    SealerException.class,
                    () -> vault(Map.of("client_type", "ecs_ram_role")).getSecret(SECRET_NAME, Map.of()));
            assertThat(e.errorCode()).isEqualTo(ErrorCode.CREDENTIALS_UNAVAILABLE);
            assertThat(e.getMessage()).contains("metadata service").doesNotContain("RoleNeverFetched");
            assertThat(emulator.faults().requests(EmulatorFaults.OPENAPI_GET_SECRET_VALUE))
                    .isZero();

            // ... and a role the metadata service does not know is a configuration fault
            SealerException unknown = catchThrowableOfType(
                    SealerException.class,
                    () -> vault(Map.of("client_type", "ecs_ram_role")).getSecret(SECRET_NAME, Map.of()));
            assertThat(unknown.errorCode()).isEqualTo(ErrorCode.CREDENTIALS_INVALID);
        } finally {
            Files.writeString(roleFile, original);
            Files.setLastModifiedTime(
                    roleFile,
                    java.nio.file.attribute.FileTime.from(
                            java.time.Instant.now().plusSeconds(10)));
        }
    }

    private SecretGetter vault(Map<String, String> settings) {
        return provider.vault(provider.settings(SealedKind.VAULT, settings));
    }

    private SecretGetter stsClient(Path tokenFile) {
        return vault(
                Map.of("client_type", "sts_token", "token_path", tokenFile.toString(), "region_id", "cn-hangzhou"));
    }

    private Path tokenFile(String name, String content) throws IOException {
        Path file = emulator.credentialDir().resolve("sts-tokens").resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    /** Records the credentials for LogHygieneIT, raw and in the encodings a string to sign would use. */
    static EmulatorRoles.Issued remembered(EmulatorRoles.Issued issued) {
        SecretRecorder.remember(issued.accessKeySecret());
        SecretRecorder.remember(issued.securityToken());
        SecretRecorder.remember(RpcSigner.percentEncode(issued.securityToken()));
        SecretRecorder.remember(RpcSigner.percentEncode(RpcSigner.percentEncode(issued.securityToken())));
        return issued;
    }

    private static void assertNoCredentialIn(SealerException e, EmulatorRoles.Issued issued, String secret) {
        String everything =
                e.getMessage() + " " + e.logMessage() + " " + (e instanceof KmsErrorAnswer a ? a.kmsErrorCode() : "");
        for (String value : new String[] {
            secret,
            issued.securityToken(),
            RpcSigner.percentEncode(issued.securityToken()),
            RpcSigner.percentEncode(RpcSigner.percentEncode(issued.securityToken())),
            issued.securityToken().substring(4, 40)
        }) {
            assertThat(everything).doesNotContain(value);
        }
    }
}
