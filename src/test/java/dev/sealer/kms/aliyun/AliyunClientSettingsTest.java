package dev.sealer.kms.aliyun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.sealer.CallerFaultException;
import dev.sealer.ErrorCode;
import dev.sealer.credentials.ram.AliyunRegions;
import dev.sealer.kms.KmsProvider.SealedKind;
import dev.sealer.testsupport.ApplicationConfig;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The provider settings of the three client types, as the CDH reads them, and the OpenAPI endpoints they lead to. */
class AliyunClientSettingsTest {

    private static final AliyunClientSettings.Defaults DEFAULTS =
            new AliyunClientSettings.Defaults("KAAP.default", "kst-default");

    @Test
    void sealRequest_ecsRamRole_writesOnlyTheClientType() {
        assertThat(AliyunClientSettings.fromSealRequest(
                                SealedKind.VAULT, Map.of("client_type", "ecs_ram_role"), DEFAULTS)
                        .toMap())
                .containsExactlyEntriesOf(Map.of("client_type", "ecs_ram_role"));
    }

    @Test
    void sealRequest_stsToken_writesTokenPathRegionAndClientType() {
        Map<String, String> written = AliyunClientSettings.fromSealRequest(
                        SealedKind.VAULT,
                        Map.of("client_type", "sts_token", "token_path", "/run/sts/token", "region_id", "cn-beijing"),
                        DEFAULTS)
                .toMap();
        assertThat(written)
                .containsExactly(
                        Map.entry("token_path", "/run/sts/token"),
                        Map.entry("region_id", "cn-beijing"),
                        Map.entry("client_type", "sts_token"));
    }

    @Test
    void sealRequest_withoutClientType_isClientKeyWithDefaults() {
        assertThat(AliyunClientSettings.fromSealRequest(SealedKind.ENVELOPE, Map.of(), DEFAULTS))
                .isEqualTo(new AliyunClientSettings.ClientKey("KAAP.default", "kst-default"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ecs_ram_role", "sts_token"})
    void sealRequest_envelopeWithRamClientType_isRefused(String clientType) {
        Map<String, String> settings = clientType.equals("sts_token")
                ? Map.of("client_type", clientType, "token_path", "/t", "region_id", "cn-hangzhou")
                : Map.of("client_type", clientType);
        assertThat(code(() -> AliyunClientSettings.fromSealRequest(SealedKind.ENVELOPE, settings, DEFAULTS)))
                .isEqualTo(ErrorCode.UNSUPPORTED_CLIENT_TYPE);
    }

    @Test
    void sealRequest_memberOfAnotherClientType_isRefused() {
        assertThat(code(() -> AliyunClientSettings.fromSealRequest(
                        SealedKind.VAULT, Map.of("client_type", "ecs_ram_role", "region_id", "cn-hangzhou"), DEFAULTS)))
                .isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(code(() -> AliyunClientSettings.fromSealRequest(
                        SealedKind.VAULT,
                        Map.of(
                                "client_type",
                                "sts_token",
                                "token_path",
                                "/t",
                                "region_id",
                                "cn-hangzhou",
                                "client_key_id",
                                "KAAP.x"),
                        DEFAULTS)))
                .isEqualTo(ErrorCode.INVALID_REQUEST);
    }

    @Test
    void sealedSecret_isReadTolerantly_andCaseSensitivelyLikeTheCdh() {
        assertThat(AliyunClientSettings.fromSealedSecret(Map.of("client_type", "ecs_ram_role", "extra", "x"), DEFAULTS))
                .isInstanceOf(AliyunClientSettings.EcsRamRole.class);
        assertThat(code(() -> AliyunClientSettings.fromSealedSecret(Map.of("client_type", "STS_TOKEN"), DEFAULTS)))
                .isEqualTo(ErrorCode.UNSUPPORTED_CLIENT_TYPE);
        Map<String, String> notAString = new HashMap<>(Map.of("token_path", "/t", "region_id", "cn-hangzhou"));
        notAString.put("client_type", null);
        assertThat(code(() -> AliyunClientSettings.fromSealedSecret(notAString, DEFAULTS)))
                .isEqualTo(ErrorCode.UNSUPPORTED_CLIENT_TYPE);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "CN-HANGZHOU",
                "evil.example.com",
                "cn-hangzhou.attacker.net/x",
                "cn",
                "cn-hangzhou\u0000",
                "a-b-c-d-e-f"
            })
    void stsToken_badRegion_isInvalidId(String region) {
        CallerFaultException e = catchThrowableOfType(
                CallerFaultException.class,
                () -> AliyunClientSettings.fromSealedSecret(
                        Map.of("client_type", "sts_token", "token_path", "/t", "region_id", region), DEFAULTS));
        assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_ID);
        assertThat(e.getMessage())
                .contains("region_id")
                .doesNotContain("attacker")
                .doesNotContain("evil");
    }

    @ParameterizedTest
    @ValueSource(strings = {"cn-hangzhou", "ap-southeast-1", "cn-shanghai-finance-1", "us-west-1", "eu-central-1"})
    void regions_ofAlibabaCloud_areAccepted(String region) {
        assertThat(AliyunRegions.isValid(region)).isTrue();
    }

    @Test
    void stsToken_missingOrNonStringMembers_areInvalidId() {
        assertThat(code(() -> AliyunClientSettings.fromSealedSecret(
                        Map.of("client_type", "sts_token", "region_id", "cn-hangzhou"), DEFAULTS)))
                .isEqualTo(ErrorCode.INVALID_ID);
        Map<String, String> settings = new HashMap<>(Map.of("client_type", "sts_token", "region_id", "cn-hangzhou"));
        settings.put("token_path", null);
        assertThat(code(() -> AliyunClientSettings.fromSealedSecret(settings, DEFAULTS)))
                .isEqualTo(ErrorCode.INVALID_ID);
    }

    @Test
    void openApiEndpoint_isPublicVpcOrOverridden() {
        assertThat(RamClients.endpoint(openapi(Map.of()), Optional.empty(), "cn-beijing"))
                .isEqualTo(URI.create("https://kms.cn-beijing.aliyuncs.com"));
        assertThat(RamClients.endpoint(
                        openapi(Map.of("aliyun.kms.openapi.vpc-endpoint", "true")), Optional.empty(), "cn-beijing"))
                .isEqualTo(URI.create("https://kms-vpc.cn-beijing.aliyuncs.com"));
        assertThat(RamClients.endpoint(
                        openapi(Map.of("aliyun.kms.openapi.endpoint", "https://kms.example:8443")),
                        Optional.of(URI.create("https://localhost:1")),
                        "cn-beijing"))
                .isEqualTo(URI.create("https://kms.example:8443"));
        assertThat(RamClients.endpoint(openapi(Map.of()), Optional.of(URI.create("https://localhost:1")), "cn-beijing"))
                .isEqualTo(URI.create("https://localhost:1"));
        assertThat(code(() -> RamClients.endpoint(openapi(Map.of()), Optional.empty(), "x.evil")))
                .isEqualTo(ErrorCode.INVALID_ID);
    }

    private static AliyunKmsConfig.OpenApi openapi(Map<String, String> properties) {
        return ApplicationConfig.build("prod", properties)
                .getConfigMapping(AliyunKmsConfig.class)
                .openapi();
    }

    private static ErrorCode code(Runnable call) {
        return catchThrowableOfType(dev.sealer.SealerException.class, call::run).errorCode();
    }
}
