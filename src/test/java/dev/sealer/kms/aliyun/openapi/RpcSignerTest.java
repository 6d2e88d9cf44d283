package dev.sealer.kms.aliyun.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sealer.credentials.ram.RamCredentials;
import dev.sealer.kms.aliyun.common.AliyunVault;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Known answers for the RPC signature: Alibaba's published example, and Alibaba's own OpenAPI SDK
 * ({@code com.aliyun:openapiutil}, used by {@code kms20160120}) as the oracle for the same inputs.
 */
class RpcSignerTest {

    private static final Instant NOW = Instant.parse("2026-11-28T19:20:53.123456789Z");

    @Test
    void publishedExample_describeRegions_hasTheDocumentedSignature() {
        // Alibaba Cloud's documentation of the RPC signature (ECS DescribeRegions, GET, secret "testsecret").
        Map<String, String> parameters = new HashMap<>();
        parameters.put("Timestamp", "2016-02-23T12:46:24Z");
        parameters.put("Format", "XML");
        parameters.put("AccessKeyId", "testid");
        parameters.put("Action", "DescribeRegions");
        parameters.put("SignatureMethod", "HMAC-SHA1");
        parameters.put("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf");
        parameters.put("Version", "2014-05-26");
        parameters.put("SignatureVersion", "1.0");
        String toSign = RpcSigner.stringToSign("GET", parameters);
        assertThat(toSign)
                .isEqualTo(
                        "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML"
                                + "%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"
                                + "%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26");
        assertThat(RpcSigner.sign(toSign, "testsecret")).isEqualTo("OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
    }

    @ParameterizedTest
    @ValueSource(strings = {"db-password", "app/prod/db password", "名前+=*~%7E@.", "acs:kms:cn-hangzhou:123:secret/a/b"})
    void getSecretValue_signatureEqualsTheOfficialSdks(String secretName) throws Exception {
        RamCredentials credentials = new RamCredentials(
                "STS.NUkS6mXv8zt7", "Secret/Key+With=Odd*Chars~", "CAIS+token/with==padding&more", null);
        Map<String, String> ours = GetSecretValueParameters.signed(
                credentials,
                "cn-hangzhou",
                new AliyunVault.Reference(secretName, "ACSCurrent", ""),
                NOW,
                "3F2A9C0B7D1E4F5A8B6C2D0E9F1A3B4C");

        Map<String, String> unsigned = new LinkedHashMap<>(ours);
        unsigned.remove(RpcSigner.SIGNATURE);
        String sdk = com.aliyun.openapiutil.Client.getRPCSignature(unsigned, "POST", credentials.accessKeySecret());
        assertThat(ours.get(RpcSigner.SIGNATURE)).isEqualTo(sdk);
    }

    @Test
    void getSecretValue_parameters_areTheCdhsWithoutEmptyValues() {
        RamCredentials credentials = new RamCredentials("STS.id", "secret", "token", null);
        Map<String, String> parameters = GetSecretValueParameters.signed(
                credentials, "cn-beijing", new AliyunVault.Reference("db", "", ""), NOW, "nonce-1");
        assertThat(parameters)
                .containsEntry("Action", "GetSecretValue")
                .containsEntry("Version", "2016-01-20")
                .containsEntry("RegionId", "cn-beijing")
                .containsEntry("SecretName", "db")
                .containsEntry("FetchExtendedConfig", "true")
                .containsEntry("Timestamp", "2026-11-28T19:20:53Z")
                .containsEntry("SignatureMethod", "HMAC-SHA1")
                .containsEntry("SignatureVersion", "1.0")
                .containsEntry("SignatureNonce", "nonce-1")
                .containsEntry("AccessKeyId", "STS.id")
                .containsEntry("SecurityToken", "token")
                .containsKey("Signature")
                .doesNotContainKeys("VersionStage", "VersionId");
        assertThat(parameters.values()).doesNotContain("");
    }

    @Test
    void percentEncode_isRfc3986OverUtf8() {
        assertThat(RpcSigner.percentEncode("aZ09-_.~")).isEqualTo("aZ09-_.~");
        assertThat(RpcSigner.percentEncode(" +*/:=&%")).isEqualTo("%20%2B%2A%2F%3A%3D%26%25");
        assertThat(RpcSigner.percentEncode("é")).isEqualTo("%C3%A9");
    }

    @Test
    void aChangedParameterOrKey_changesTheSignature() {
        Map<String, String> parameters = new HashMap<>(Map.of("A", "1", "B", "2"));
        String signature = RpcSigner.signPost(parameters, "k");
        assertThat(RpcSigner.signPost(parameters, "k2")).isNotEqualTo(signature);
        parameters.put("B", "3");
        assertThat(RpcSigner.signPost(parameters, "k")).isNotEqualTo(signature);
        assertThat(RpcSigner.matches(signature, signature)).isTrue();
        assertThat(RpcSigner.matches(null, signature)).isFalse();
    }
}
