package dev.sealer.emulator;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.sealer.Texts;
import dev.sealer.kms.aliyun.instance.RequestSigner;
import dev.sealer.kms.aliyun.instance.proto.DecryptRequest;
import dev.sealer.kms.aliyun.instance.proto.DecryptResponse;
import dev.sealer.kms.aliyun.instance.proto.EncryptRequest;
import dev.sealer.kms.aliyun.instance.proto.EncryptResponse;
import dev.sealer.kms.aliyun.instance.proto.Error;
import dev.sealer.kms.aliyun.instance.proto.GenerateDataKeyRequest;
import dev.sealer.kms.aliyun.instance.proto.GenerateDataKeyResponse;
import dev.sealer.kms.aliyun.instance.proto.GetSecretValueRequest;
import dev.sealer.kms.aliyun.instance.proto.GetSecretValueResponse;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * One request of the emulated KMS-instance API: the checks the real service makes, in its order,
 * each refused with a protobuf {@code Error}, a realistic HTTP status and {@code ErrorCode} (docs/FORMAT.md, "Errors"),
 * then the operation. Every answer carries a fresh {@code RequestId}. Runs on the event loop; all
 * work here is short.
 */
final class EmulatorHandler implements Handler<HttpServerRequest> {

    /** Request bodies larger than this are refused with 413, like the real service (3 MB). */
    static final int MAX_BODY_BYTES = 3 * 1024 * 1024;

    private static final int MAX_ENCRYPT_PLAINTEXT = 6 * 1024;
    private static final int MAX_AAD = 8192;
    private static final Set<String> APIS = Set.of("Encrypt", "Decrypt", "GetSecretValue", "GenerateDataKey");
    private static final String CURRENT_STAGE = "ACSCurrent";
    private static final String CURRENT_VERSION = "v1";

    private final Vertx vertx;
    private final EmulatorKeys keys;
    private final Map<String, String> secrets;
    private final TrustedClientKeys clientKeys;
    private final EmulatorFaults faults;
    private final Duration maxClockSkew;
    private final Clock clock;
    private final Instant createTime;
    private final OpenApiEmulator openApi;

    EmulatorHandler(
            Vertx vertx,
            EmulatorKeys keys,
            Map<String, String> secrets,
            TrustedClientKeys clientKeys,
            EmulatorFaults faults,
            Duration maxClockSkew,
            Clock clock,
            OpenApiEmulator openApi) {
        this.openApi = openApi;
        this.vertx = vertx;
        this.keys = keys;
        this.secrets = Map.copyOf(secrets);
        this.clientKeys = clientKeys;
        this.faults = faults;
        this.maxClockSkew = maxClockSkew;
        this.clock = clock;
        this.createTime = clock.instant();
    }

    @Override
    public void handle(HttpServerRequest request) {
        String contentLength = request.getHeader("content-length");
        if (contentLength != null && parseLength(contentLength) > MAX_BODY_BYTES) {
            answerLater(request, 413, error(413, "RequestEntityTooLarge", "The request body exceeds 3 MB"), true);
            return;
        }
        Buffer body = Buffer.buffer();
        request.handler(chunk -> {
            if (body.length() + chunk.length() > MAX_BODY_BYTES) {
                request.connection().close();
                return;
            }
            body.appendBuffer(chunk);
        });
        request.endHandler(end -> respond(request, body.getBytes()));
    }

    private void respond(HttpServerRequest request, byte[] body) {
        if (isOpenApi(request)) {
            respondOpenApi(request, body);
            return;
        }
        switch (faults.next(request.getHeader(RequestSigner.HEADER_API_NAME))) {
            case DROP -> {
                delay(() -> request.connection().close());
                return;
            }
            case THROTTLE -> {
                answerLater(
                        request,
                        429,
                        error(429, "Rejected.Throttling", "Request was denied due to request throttling"),
                        false);
                return;
            }
            case FAIL -> {
                answerLater(
                        request,
                        503,
                        error(503, "ServiceUnavailableTemporary", "The service is temporarily unavailable"),
                        false);
                return;
            }
            case SERVE -> {
                // go on
            }
        }
        Message answer;
        int status = 200;
        try {
            answer = process(request, body);
        } catch (Refusal refusal) {
            status = refusal.status;
            answer = error(refusal.status, refusal.code, refusal.getMessage());
        }
        answerLater(request, status, answer, false);
    }

    /**
     * A KMS OpenAPI request, told apart from the instance API by its form: no {@code x-kms-apiname}
     * header, and parameters in a form body or an {@code Action} in the query string.
     */
    static boolean isOpenApi(HttpServerRequest request) {
        return request.getHeader(RequestSigner.HEADER_API_NAME) == null
                && (isForm(request) || request.params().contains("Action"));
    }

    private static boolean isForm(HttpServerRequest request) {
        String contentType = request.getHeader("content-type");
        return contentType != null
                && contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded");
    }

    private void respondOpenApi(HttpServerRequest request, byte[] body) {
        Map<String, String> parameters = new java.util.LinkedHashMap<>();
        request.params().forEach(entry -> parameters.put(entry.getKey(), entry.getValue()));
        if (isForm(request) && body.length > 0) {
            new io.netty.handler.codec.http.QueryStringDecoder(
                            new String(body, StandardCharsets.UTF_8), StandardCharsets.UTF_8, false)
                    .parameters()
                    .forEach((name, values) -> parameters.put(name, values.get(values.size() - 1)));
        }
        String host = request.authority() == null ? null : request.authority().host();
        OpenApiEmulator.Answer answer = switch (faults.next(OpenApiEmulator.countedName(parameters))) {
            case DROP -> null;
            case THROTTLE ->
                OpenApiEmulator.error(
                        429,
                        "Rejected.Throttling",
                        "Request was denied due to request throttling.",
                        host,
                        UUID.randomUUID().toString());
            case FAIL ->
                OpenApiEmulator.error(
                        503,
                        "ServiceUnavailableTemporary",
                        "The service is temporarily unavailable.",
                        host,
                        UUID.randomUUID().toString());
            case SERVE -> openApi.answer(request.method().name(), host, parameters);
        };
        delay(() -> {
            if (answer == null) {
                request.connection().close();
                return;
            }
            request.response()
                    .setStatusCode(answer.status())
                    .putHeader("content-type", "application/json;charset=utf-8")
                    .putHeader("x-acs-request-id", answer.requestId())
                    .end(Buffer.buffer(answer.json()));
        });
    }

    private Message process(HttpServerRequest request, byte[] body) throws Refusal {
        if (request.method() != HttpMethod.POST || !"/".equals(request.path())) {
            throw new Refusal(404, "InvalidApiName", "Only POST / is served");
        }
        String apiVersion = request.getHeader(RequestSigner.HEADER_API_VERSION);
        if (!RequestSigner.API_VERSION.equals(apiVersion)) {
            throw new Refusal(400, "InvalidApiVersion", "The api version is not supported: " + printable(apiVersion));
        }
        String apiName = request.getHeader(RequestSigner.HEADER_API_NAME);
        if (!APIS.contains(apiName)) {
            throw new Refusal(400, "InvalidApiName", "The api name is not supported: " + printable(apiName));
        }
        if (!RequestSigner.SIGNATURE_METHOD.equals(request.getHeader(RequestSigner.HEADER_SIGNATURE_METHOD))) {
            throw new Refusal(400, "InvalidParam", "The Param x-kms-signaturemethod is invalid.");
        }
        String accessKeyId = request.getHeader(RequestSigner.HEADER_ACCESS_KEY_ID);
        if (accessKeyId == null || accessKeyId.isEmpty()) {
            throw new Refusal(400, "MissingParameter", "The Param x-kms-acccesskeyid is missing.");
        }
        String date = request.getHeader("date");
        Instant sent;
        try {
            sent = RequestSigner.parseDate(date == null ? "" : date);
        } catch (DateTimeParseException e) {
            throw new Refusal(400, "InvalidParam", "The Param Date is invalid.");
        }
        if (Duration.between(sent, clock.instant()).abs().compareTo(maxClockSkew) > 0) {
            throw new Refusal(
                    400,
                    "RequestTimeTooSkewed",
                    "The difference between the request time and the server time is too large.");
        }
        String contentSha256 = request.getHeader(RequestSigner.HEADER_CONTENT_SHA256);
        if (contentSha256 == null
                || !MessageDigest.isEqual(
                        contentSha256.getBytes(StandardCharsets.US_ASCII),
                        RequestSigner.contentSha256(body).getBytes(StandardCharsets.US_ASCII))) {
            throw new Refusal(400, "InvalidParam", "The Param Content-SHA256 is invalid.");
        }
        X509Certificate certificate = clientKeys.find(accessKeyId);
        if (certificate == null) {
            throw new Refusal(404, "Unauthorized", "The client key " + printable(accessKeyId) + " is not found.");
        }
        Map<String, String> headers = new HashMap<>();
        request.headers().forEach(header -> headers.put(header.getKey(), header.getValue()));
        String contentType = request.getHeader("content-type");
        String toSign = RequestSigner.stringToSign(
                "POST", contentSha256, contentType == null ? "" : contentType, date, headers);
        if (!RequestSigner.verify(toSign, request.getHeader("authorization"), certificate.getPublicKey())) {
            throw new Refusal(401, "SignatureNotMatch", "The request signature does not match.");
        }
        String requestId = UUID.randomUUID().toString();
        try {
            return switch (apiName) {
                case "Encrypt" -> encrypt(EncryptRequest.parseFrom(body), requestId);
                case "Decrypt" -> decrypt(DecryptRequest.parseFrom(body), requestId);
                case "GenerateDataKey" -> generateDataKey(GenerateDataKeyRequest.parseFrom(body), requestId);
                default -> getSecretValue(GetSecretValueRequest.parseFrom(body), requestId);
            };
        } catch (InvalidProtocolBufferException e) {
            throw new Refusal(400, "InvalidParameter", "The request body is not a valid " + apiName + "Request.");
        }
    }

    /** The API name for counting: one of the served APIs, or "other" (names come from requests). */
    static String knownApiOrOther(String api) {
        return api != null
                        && (APIS.contains(api)
                                || api.equals(EmulatorFaults.OPENAPI_GET_SECRET_VALUE)
                                || api.equals(EmulatorFaults.METADATA))
                ? api
                : "other";
    }

    private EncryptResponse encrypt(EncryptRequest request, String requestId) throws Refusal {
        requireKey(request.getKeyId());
        requireAlgorithm(request.getAlgorithm());
        if (request.getPlaintext().isEmpty() || request.getPlaintext().size() > MAX_ENCRYPT_PLAINTEXT) {
            throw new Refusal(400, "InvalidParameter", "The Plaintext must be 1 to 6144 bytes.");
        }
        requireAad(request.getAad());
        byte[] iv = request.getIv().isEmpty()
                ? EmulatorKeys.randomIv()
                : request.getIv().toByteArray();
        if (iv.length != EmulatorKeys.IV_BYTES) {
            throw new Refusal(400, "InvalidParameter", "The Iv must be 12 bytes.");
        }
        byte[] blob = keys.encrypt(
                withoutArn(request.getKeyId(), "key"),
                request.getPlaintext().toByteArray(),
                iv,
                request.getAad().toByteArray());
        return EncryptResponse.newBuilder()
                .setKeyId(request.getKeyId())
                .setCiphertextBlob(ByteString.copyFrom(blob))
                .setIv(ByteString.copyFrom(iv))
                .setRequestId(requestId)
                .setAlgorithm("AES_GCM")
                .build();
    }

    private DecryptResponse decrypt(DecryptRequest request, String requestId) throws Refusal {
        requireKey(request.getKeyId());
        requireAlgorithm(request.getAlgorithm());
        requireAad(request.getAad());
        if (request.getCiphertextBlob().isEmpty()) {
            throw new Refusal(400, "InvalidParameter", "The CiphertextBlob is missing.");
        }
        if (request.getIv().size() != EmulatorKeys.IV_BYTES) {
            throw new Refusal(400, "InvalidParameter", "The Iv must be 12 bytes.");
        }
        try {
            byte[] plaintext = keys.decrypt(
                    withoutArn(request.getKeyId(), "key"),
                    request.getCiphertextBlob().toByteArray(),
                    request.getIv().toByteArray(),
                    request.getAad().toByteArray());
            return DecryptResponse.newBuilder()
                    .setKeyId(request.getKeyId())
                    .setPlaintext(ByteString.copyFrom(plaintext))
                    .setRequestId(requestId)
                    .setAlgorithm("AES_GCM")
                    .build();
        } catch (EmulatorKeys.Refused e) {
            throw new Refusal(400, "InvalidParameter", e.getMessage());
        }
    }

    private GenerateDataKeyResponse generateDataKey(GenerateDataKeyRequest request, String requestId) throws Refusal {
        requireKey(request.getKeyId());
        requireAlgorithm(request.getAlgorithm());
        requireAad(request.getAad());
        int length = request.getNumberOfBytes() == 0 ? 32 : request.getNumberOfBytes();
        if (length < 1 || length > 1024) {
            throw new Refusal(400, "InvalidParameter", "The NumberOfBytes must be 1 to 1024.");
        }
        byte[] dataKey = new byte[length];
        new java.security.SecureRandom().nextBytes(dataKey);
        byte[] iv = EmulatorKeys.randomIv();
        byte[] blob = keys.encrypt(
                withoutArn(request.getKeyId(), "key"),
                dataKey,
                iv,
                request.getAad().toByteArray());
        return GenerateDataKeyResponse.newBuilder()
                .setKeyId(request.getKeyId())
                .setIv(ByteString.copyFrom(iv))
                .setPlaintext(ByteString.copyFrom(dataKey))
                .setCiphertextBlob(ByteString.copyFrom(blob))
                .setRequestId(requestId)
                .setAlgorithm("AES_GCM")
                .build();
    }

    private GetSecretValueResponse getSecretValue(GetSecretValueRequest request, String requestId) throws Refusal {
        String value = secrets.get(withoutArn(request.getSecretName(), "secret"));
        boolean stageOk = request.getVersionStage().isEmpty() || CURRENT_STAGE.equals(request.getVersionStage());
        boolean versionOk = request.getVersionId().isEmpty() || CURRENT_VERSION.equals(request.getVersionId());
        if (request.getSecretName().isEmpty()) {
            throw new Refusal(400, "MissingParameter", "The SecretName is missing.");
        }
        if (value == null || !stageOk || !versionOk) {
            throw new Refusal(404, "Forbidden.ResourceNotFound", "The secret (or that version of it) is not found.");
        }
        return GetSecretValueResponse.newBuilder()
                .setSecretName(request.getSecretName())
                .setSecretType("Generic")
                .setSecretData(value)
                .setSecretDataType("text")
                .addVersionStages(CURRENT_STAGE)
                .setVersionId(CURRENT_VERSION)
                .setCreateTime(createTime.toString())
                .setRequestId(requestId)
                .setAutomaticRotation("Disabled")
                .build();
    }

    /**
     * A key id or secret name, or its ARN ({@code acs:kms:<region>:<account>:key/<id>} or
     * {@code ...:secret/<name>}), as the real service accepts both: the bare id or name.
     */
    static String withoutArn(String id, String kind) {
        String marker = ":" + kind + "/";
        if (id.startsWith("acs:kms:") && id.contains(marker)) {
            return id.substring(id.indexOf(marker) + marker.length());
        }
        return id;
    }

    private void requireKey(String keyId) throws Refusal {
        if (keyId.isEmpty()) {
            throw new Refusal(400, "MissingParameter", "The KeyId is missing.");
        }
        if (!keys.exists(withoutArn(keyId, "key"))) {
            throw new Refusal(404, "Forbidden.KeyNotFound", "The specified Key is not found.");
        }
    }

    private static void requireAlgorithm(String algorithm) throws Refusal {
        if (!algorithm.isEmpty() && !"AES_GCM".equals(algorithm)) {
            throw new Refusal(400, "InvalidParameter", "The Algorithm is not supported by this key.");
        }
    }

    private static void requireAad(ByteString aad) throws Refusal {
        if (aad.size() > MAX_AAD) {
            throw new Refusal(400, "InvalidParameter", "The Aad exceeds 8192 bytes.");
        }
    }

    private static Error error(int status, String code, String message) {
        return Error.newBuilder()
                .setStatusCode(status)
                .setErrorCode(code)
                .setErrorMessage(message)
                .setRequestId(UUID.randomUUID().toString())
                .build();
    }

    private void answerLater(HttpServerRequest request, int status, Message answer, boolean close) {
        delay(() -> {
            String requestId = answer instanceof Error error ? error.getRequestId() : requestIdOf(answer);
            var response = request.response()
                    .setStatusCode(status)
                    .putHeader("content-type", RequestSigner.CONTENT_TYPE)
                    .putHeader("x-kms-requestid", requestId);
            if (close) {
                response.putHeader("connection", "close");
            }
            response.end(Buffer.buffer(answer.toByteArray()));
        });
    }

    private static String requestIdOf(Message answer) {
        var field = answer.getDescriptorForType().findFieldByName("RequestId");
        return field == null ? "" : String.valueOf(answer.getField(field));
    }

    private void delay(Runnable action) {
        long millis = faults.latency().toMillis();
        if (millis <= 0) {
            action.run();
        } else {
            vertx.setTimer(millis, id -> action.run());
        }
    }

    private static long parseLength(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    /** A header value safe to echo in a message: printable ASCII, at most 64 characters. */
    private static String printable(String value) {
        return Texts.printable(value, 64);
    }
}
