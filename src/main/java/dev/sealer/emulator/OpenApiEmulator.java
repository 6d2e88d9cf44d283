package dev.sealer.emulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.sealer.Json;
import dev.sealer.kms.aliyun.openapi.GetSecretValueParameters;
import dev.sealer.kms.aliyun.openapi.RpcSigner;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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

    private static final ObjectMapper JSON = Json.MAPPER;
    private static final String FORM = "application/x-www-form-urlencoded";
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

    /** A request of this API, read whole: its parameters from the query string and a form body alike. */
    EmulatedCall call(HttpServerRequest request, byte[] body) {
        Map<String, String> parameters = new LinkedHashMap<>();
        request.params().forEach(entry -> parameters.put(entry.getKey(), entry.getValue()));
        if (isForm(request) && body.length > 0) {
            new QueryStringDecoder(new String(body, StandardCharsets.UTF_8), StandardCharsets.UTF_8, false)
                    .parameters()
                    .forEach((name, values) -> parameters.put(name, values.get(values.size() - 1)));
        }
        String host = request.authority() == null ? null : request.authority().host();
        String method = request.method().name();
        return new EmulatedCall() {
            @Override
            public String countedName() {
                return GetSecretValueParameters.ACTION.equals(parameters.get("Action"))
                        ? EmulatorFaults.OPENAPI_GET_SECRET_VALUE
                        : "other";
            }

            @Override
            public Reply serve() {
                String requestId = newRequestId();
                try {
                    return reply(200, process(method, parameters, requestId), requestId);
                } catch (Refusal refusal) {
                    return error(refusal, host, requestId);
                }
            }

            @Override
            public Reply refuse(Refusal refusal) {
                return error(refusal, host, UUID.randomUUID().toString());
            }

            @Override
            public Refusal throttled() {
                return new Refusal(429, "Rejected.Throttling", "Request was denied due to request throttling.");
            }

            @Override
            public Refusal unavailable() {
                return new Refusal(503, "ServiceUnavailableTemporary", "The service is temporarily unavailable.");
            }
        };
    }

    static boolean isForm(HttpServerRequest request) {
        String contentType = request.getHeader("content-type");
        return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith(FORM);
    }

    private static String newRequestId() {
        return UUID.randomUUID().toString().toUpperCase(Locale.ROOT);
    }

    private static EmulatedCall.Reply error(Refusal refusal, String host, String requestId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("RequestId", requestId);
        body.put("HostId", host == null ? "localhost" : host);
        body.put("Code", refusal.code);
        body.put("Message", refusal.getMessage());
        body.put("Recommend", "https://api.aliyun.com/troubleshoot?q=" + refusal.code);
        return reply(refusal.status, body, requestId);
    }

    private static EmulatedCall.Reply reply(int status, Map<String, Object> body, String requestId) {
        return new EmulatedCall.Reply(
                status, "application/json;charset=utf-8", "x-acs-request-id", requestId, json(body));
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
        String value = secrets.get(ResourceNames.withoutArn(name, "secret"));
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
