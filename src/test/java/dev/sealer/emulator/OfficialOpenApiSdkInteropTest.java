package dev.sealer.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.aliyun.kms20160120.Client;
import com.aliyun.kms20160120.models.GetSecretValueRequest;
import com.aliyun.kms20160120.models.GetSecretValueResponse;
import com.aliyun.tea.TeaException;
import com.aliyun.teaopenapi.models.Config;
import com.aliyun.teautil.models.RuntimeOptions;
import dev.sealer.testsupport.OfficialSdk;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alibaba's official SDK for the KMS OpenAPI ({@code com.aliyun:kms20160120}) is the oracle of the
 * emulator's OpenAPI: it reads a vault secret with STS credentials the emulator issued, and the
 * emulator refuses it exactly where the real service would (wrong secret, expired token, unknown
 * secret, throttling), with the codes the SDK reports. The SDK is set to the RPC signature
 * ({@code signatureAlgorithm=v2}: HMAC-SHA1, the one the CDH uses; its default is the newer V3
 * header signature, which the emulator does not speak), sends every parameter in the query string
 * (the emulator tells it from the instance API by that) and does not verify the emulator's certificate.
 */
class OfficialOpenApiSdkInteropTest {

    @TempDir
    static Path directory;

    private static EmulatorServer server;

    @BeforeAll
    static void start() {
        server = TestEmulators.startSeeded(directory);
    }

    @AfterAll
    static void stop() {
        server.close();
        OfficialSdk.forgetConnections();
    }

    @BeforeEach
    void resetCounts() {
        server.faults().resetCounts();
    }

    @AfterEach
    void clear() {
        server.faults().clear();
        OfficialSdk.forgetConnections();
    }

    private static Client sdk(String accessKeyId, String accessKeySecret, String securityToken) throws Exception {
        return new Client(new Config()
                .setAccessKeyId(accessKeyId)
                .setAccessKeySecret(accessKeySecret)
                .setSecurityToken(securityToken)
                .setRegionId("cn-hangzhou")
                .setProtocol("https")
                .setEndpoint(
                        server.endpoint().getHost() + ":" + server.endpoint().getPort())
                .setSignatureAlgorithm("v2"));
    }

    private static Client sdk(EmulatorRoles.Issued issued) throws Exception {
        return sdk(issued.accessKeyId(), issued.accessKeySecret(), issued.securityToken());
    }

    private static RuntimeOptions runtime() {
        RuntimeOptions runtime = new RuntimeOptions();
        runtime.ignoreSSL = true;
        runtime.autoretry = false;
        return runtime;
    }

    @Test
    void sdk_readsTheSecret_withIssuedStsCredentials() throws Exception {
        GetSecretValueResponse response = sdk(server.roles().issue(Duration.ofHours(1)))
                .getSecretValueWithOptions(
                        new GetSecretValueRequest()
                                .setSecretName(TestEmulators.SECRET_NAME)
                                .setVersionStage("ACSCurrent")
                                .setFetchExtendedConfig(true),
                        runtime());
        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(response.getBody().getSecretData()).isEqualTo(TestEmulators.SECRET_VALUE);
        assertThat(response.getBody().getVersionId()).isEqualTo("v1");
        assertThat(response.getBody().getVersionStages().getVersionStage()).containsExactly("ACSCurrent");
        assertThat(response.getBody().getRequestId()).isNotBlank();
        assertThat(server.faults().requests(EmulatorFaults.OPENAPI_GET_SECRET_VALUE))
                .isEqualTo(1);
    }

    @Test
    void sdk_withTheRolesCredentialsFromTheMetadataService_readsTheSecret() throws Exception {
        GetSecretValueResponse response = sdk(server.roles().roleCredentials())
                .getSecretValueWithOptions(
                        new GetSecretValueRequest().setSecretName(TestEmulators.SECRET_NAME), runtime());
        assertThat(response.getBody().getSecretData()).isEqualTo(TestEmulators.SECRET_VALUE);
    }

    @Test
    void sdk_withAWrongSecret_getsSignatureDoesNotMatch() throws Exception {
        EmulatorRoles.Issued issued = server.roles().issue(Duration.ofHours(1));
        TeaException e = catchThrowableOfType(
                TeaException.class,
                () -> sdk(issued.accessKeyId(), "not-the-secret", issued.securityToken())
                        .getSecretValueWithOptions(
                                new GetSecretValueRequest().setSecretName("db-password"), runtime()));
        assertThat(e.getCode()).isEqualTo("SignatureDoesNotMatch");
        assertThat(e.getStatusCode()).isEqualTo(400);
    }

    @Test
    void sdk_withAnExpiredToken_getsInvalidSecurityTokenExpired() throws Exception {
        TeaException e = catchThrowableOfType(
                TeaException.class,
                () -> sdk(server.roles().issue(Duration.ofSeconds(-1)))
                        .getSecretValueWithOptions(
                                new GetSecretValueRequest().setSecretName("db-password"), runtime()));
        assertThat(e.getCode()).isEqualTo("InvalidSecurityToken.Expired");
    }

    @Test
    void sdk_withATokenOfAnotherKey_getsMismatch() throws Exception {
        EmulatorRoles.Issued one = server.roles().issue(Duration.ofHours(1));
        EmulatorRoles.Issued other = server.roles().issue(Duration.ofHours(1));
        TeaException e = catchThrowableOfType(
                TeaException.class,
                () -> sdk(one.accessKeyId(), one.accessKeySecret(), other.securityToken())
                        .getSecretValueWithOptions(
                                new GetSecretValueRequest().setSecretName("db-password"), runtime()));
        assertThat(e.getCode()).isEqualTo("InvalidSecurityToken.MismatchWithAccessKey");
    }

    @Test
    void sdk_unknownSecret_getsForbiddenResourceNotFound() throws Exception {
        TeaException e = catchThrowableOfType(
                TeaException.class,
                () -> sdk(server.roles().issue(Duration.ofHours(1)))
                        .getSecretValueWithOptions(
                                new GetSecretValueRequest().setSecretName("no-such-secret"), runtime()));
        assertThat(e.getCode()).isEqualTo("Forbidden.ResourceNotFound");
        assertThat(e.getStatusCode()).isEqualTo(404);
    }

    @Test
    void sdk_throttled_getsRejectedThrottling() throws Exception {
        server.faults().script(EmulatorFaults.Action.THROTTLE);
        TeaException e = catchThrowableOfType(
                TeaException.class,
                () -> sdk(server.roles().issue(Duration.ofHours(1)))
                        .getSecretValueWithOptions(
                                new GetSecretValueRequest().setSecretName("db-password"), runtime()));
        assertThat(e.getCode()).isEqualTo("Rejected.Throttling");
        assertThat(e.getStatusCode()).isEqualTo(429);
    }
}
