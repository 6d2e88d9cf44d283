package dev.sealer.kms.aliyun.openapi;

import dev.sealer.credentials.ram.RamCredentials;
import dev.sealer.kms.aliyun.common.AliyunVault;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The signed parameters of one KMS OpenAPI {@code GetSecretValue} call (RPC style, version
 * {@code 2016-01-20}), as the CDH's {@code sts_token} client sends them: the action's own parameters
 * ({@code SecretName}, {@code VersionStage}, {@code VersionId}, {@code FetchExtendedConfig=true}), the
 * common ones ({@code Action}, {@code Version}, {@code Format}, {@code RegionId}, {@code Timestamp},
 * {@code SignatureMethod}, {@code SignatureVersion}, {@code SignatureNonce}, {@code AccessKeyId},
 * {@code SecurityToken}) and the {@code Signature} over all of them.
 *
 * <p>Empty values are left out rather than sent empty: Alibaba's SDKs skip empty values when they
 * sign and the CDH signs them, so a request without any is read the same by every implementation.
 */
public final class GetSecretValueParameters {

    public static final String ACTION = "GetSecretValue";
    public static final String VERSION = "2016-01-20";

    private GetSecretValueParameters() {}

    /**
     * @param nonce unique per request (the service refuses a nonce it has seen)
     * @return the parameters in a stable order, {@code Signature} last
     */
    public static Map<String, String> signed(
            RamCredentials credentials, String regionId, AliyunVault.Reference secret, Instant now, String nonce) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("Action", ACTION);
        parameters.put("Version", VERSION);
        parameters.put("Format", "JSON");
        parameters.put("RegionId", regionId);
        parameters.put("SecretName", secret.name());
        putIfNotEmpty(parameters, "VersionStage", secret.versionStage());
        putIfNotEmpty(parameters, "VersionId", secret.versionId());
        parameters.put("FetchExtendedConfig", "true");
        parameters.put("Timestamp", RpcSigner.timestamp(now));
        parameters.put("SignatureMethod", RpcSigner.SIGNATURE_METHOD);
        parameters.put("SignatureVersion", RpcSigner.SIGNATURE_VERSION);
        parameters.put("SignatureNonce", nonce);
        parameters.put("AccessKeyId", credentials.accessKeyId());
        putIfNotEmpty(parameters, "SecurityToken", credentials.securityToken());
        parameters.put(RpcSigner.SIGNATURE, RpcSigner.signPost(parameters, credentials.accessKeySecret()));
        return parameters;
    }

    private static void putIfNotEmpty(Map<String, String> parameters, String name, String value) {
        if (value != null && !value.isEmpty()) {
            parameters.put(name, value);
        }
    }
}
