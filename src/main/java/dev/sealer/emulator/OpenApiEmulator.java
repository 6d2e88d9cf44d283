package dev.sealer.emulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.sealer.Json;
import dev.sealer.kms.aliyun.openapi.GetSecretValueParameters;
import dev.sealer.kms.aliyun.openapi.RpcSigner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The KMS OpenAPI {@code GetSecretValue} (RPC style, version {@code 2016-01-20}) as the emulator
 * speaks it on its HTTPS port: the checks of Alibaba's gateway, in its order, each refused with a
 * JSON error ({@code Code}, {@code Message}, {@code RequestId}, {@code HostId}) and a realistic HTTP
 * status, then the secret. Parameters come from the query string and the form body alike.
 *
 * <p>Checked: action and version; signature method and version; a {@code Timestamp} within the
 * allowed clock skew; a {@code SignatureNonce} not seen in the last 15 minutes; an AccessKeyId issued
 * by {@link EmulatorRoles}, its SecurityToken (present, matching, not expired); and the HMAC-SHA1
 * signature over every parameter. Alibaba's SDKs leave empty values out of the string to sign and
 * the CDH keeps them in, so both forms are accepted. Like the real gateway, a signature mismatch
 * answers the server's string to sign in its message (which quotes the SecurityToken): clients must
 * not log it.
 */
final class OpenApiEmulator {

    /** An answer: HTTP status and JSON body. */
    record Answer(int status, byte[] json, String requestId) {}

    private static final ObjectMapper JSON = Json.MAPPER;
    private static final String CURRENT_STAGE = "ACSCurrent";
    private static final String CURRENT_VERSION = "v1";
    private static final List<String> REQUIRED = List.of(
            "Action",
            "Version",
            "AccessKeyId",
            "Signature",
            "SignatureMethod",
            "SignatureVersion",
            "SignatureNonce",
            "Timestamp");

    private final Map<String, String> secrets;
    private final EmulatorRoles roles;
    private final Duration maxClockSkew;
    private final Clock clock;
    private final Instant createTime;
    private final Cache<String, Boolean> nonces = Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofMinutes(15))
            .maximumSize(100_000)
            .build();

    OpenApiEmulator(Map<String, String> secrets, EmulatorRoles roles, Duration maxClockSkew, Clock clock) {
        this.secrets = Map.copyOf(secrets);
        this.roles = roles;
        this.maxClockSkew = maxClockSkew;
        this.clock = clock;
        this.createTime = clock.instant();
    }

    /** The API name a request is counted under. */
    static String countedName(Map<String, String> parameters) {
        return GetSecretValueParameters.ACTION.equals(parameters.get("Action"))
                ? EmulatorFaults.OPENAPI_GET_SECRET_VALUE
                : "other";
    }

    Answer answer(String method, String host, Map<String, String> parameters) {
        String requestId = UUID.randomUUID().toString().toUpperCase(java.util.Locale.ROOT);
        try {
            return new Answer(200, json(process(method, parameters, requestId)), requestId);
        } catch (Refusal refusal) {
            return error(refusal.status, refusal.code, refusal.getMessage(), host, requestId);
        }
    }

    static Answer error(int status, String code, String message, String host, String requestId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("RequestId", requestId);
        body.put("HostId", host == null ? "localhost" : host);
        body.put("Code", code);
        body.put("Message", message);
        body.put("Recommend", "https://api.aliyun.com/troubleshoot?q=" + code);
        return new Answer(status, json(body), requestId);
    }

    private Map<String, Object> process(String method, Map<String, String> parameters, String requestId)
            throws Refusal {
        for (String name : REQUIRED) {
            if (parameters.get(name) == null || parameters.get(name).isEmpty()) {
                throw new Refusal(400, "Missing" + name, name + " is mandatory for this action.");
            }
        }
        if (!GetSecretValueParameters.VERSION.equals(parameters.get("Version"))) {
            throw new Refusal(400, "InvalidVersion", "Specified parameter Version is not valid.");
        }
        if (!GetSecretValueParameters.ACTION.equals(parameters.get("Action"))) {
            throw new Refusal(
                    404, "InvalidAction.NotFound", "Specified api is not found, please check your url and method.");
        }
        if (!RpcSigner.SIGNATURE_METHOD.equals(parameters.get("SignatureMethod"))) {
            throw new Refusal(400, "InvalidSignatureMethod", "Specified signature method is not supported.");
        }
        if (!RpcSigner.SIGNATURE_VERSION.equals(parameters.get("SignatureVersion"))) {
            throw new Refusal(400, "InvalidSignatureVersion", "Specified signature version is not supported.");
        }
        Instant sent;
        try {
            sent = Instant.parse(parameters.get("Timestamp"));
        } catch (DateTimeParseException e) {
            throw new Refusal(
                    400, "InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted.");
        }
        if (Duration.between(sent, clock.instant()).abs().compareTo(maxClockSkew) > 0) {
            throw new Refusal(400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.");
        }
        EmulatorRoles.Issued issued = roles.find(parameters.get("AccessKeyId"));
        if (issued == null) {
            throw new Refusal(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.");
        }
        String token = parameters.get("SecurityToken");
        if (token == null || token.isEmpty()) {
            throw new Refusal(400, "MissingSecurityToken", "SecurityToken is mandatory for this action.");
        }
        if (!RpcSigner.matches(token, issued.securityToken())) {
            throw new Refusal(
                    400,
                    "InvalidSecurityToken.MismatchWithAccessKey",
                    "Specified SecurityToken mismatch with the AccessKey.");
        }
        if (roles.expired(issued)) {
            throw new Refusal(400, "InvalidSecurityToken.Expired", "Specified SecurityToken is expired.");
        }
        String toSign = RpcSigner.stringToSign(method, parameters);
        String received = parameters.get(RpcSigner.SIGNATURE);
        if (!RpcSigner.matches(received, RpcSigner.sign(toSign, issued.accessKeySecret()))
                && !RpcSigner.matches(
                        received,
                        RpcSigner.sign(
                                RpcSigner.stringToSign(method, withoutEmpty(parameters)), issued.accessKeySecret()))) {
            throw new Refusal(
                    400,
                    "SignatureDoesNotMatch",
                    "Specified signature is not matched with our calculation. server string to sign is:" + toSign);
        }
        if (nonces.asMap().putIfAbsent(parameters.get("SignatureNonce"), Boolean.TRUE) != null) {
            throw new Refusal(400, "SignatureNonceUsed", "Specified signature nonce was used already.");
        }
        return getSecretValue(parameters, requestId);
    }

    private Map<String, Object> getSecretValue(Map<String, String> parameters, String requestId) throws Refusal {
        String name = parameters.getOrDefault("SecretName", "");
        if (name.isEmpty()) {
            throw new Refusal(400, "MissingSecretName", "SecretName is mandatory for this action.");
        }
        String value = secrets.get(EmulatorHandler.withoutArn(name, "secret"));
        String stage = parameters.getOrDefault("VersionStage", "");
        String version = parameters.getOrDefault("VersionId", "");
        if (value == null
                || !(stage.isEmpty() || CURRENT_STAGE.equals(stage))
                || !(version.isEmpty() || CURRENT_VERSION.equals(version))) {
            throw new Refusal(404, "Forbidden.ResourceNotFound", "The resource is not found.");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("RequestId", requestId);
        body.put("SecretName", name);
        body.put("SecretType", "Generic");
        body.put("SecretData", value);
        body.put("SecretDataType", "text");
        body.put("VersionId", CURRENT_VERSION);
        body.put("VersionStages", Map.of("VersionStage", List.of(CURRENT_STAGE)));
        body.put("CreateTime", createTime.toString());
        body.put("AutomaticRotation", "Disabled");
        if ("true".equals(parameters.get("FetchExtendedConfig"))) {
            body.put("ExtendedConfig", "");
        }
        return body;
    }

    private static Map<String, String> withoutEmpty(Map<String, String> parameters) {
        Map<String, String> kept = new LinkedHashMap<>(parameters);
        kept.values().removeIf(String::isEmpty);
        return kept;
    }

    private static byte[] json(Object body) {
        try {
            return JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
