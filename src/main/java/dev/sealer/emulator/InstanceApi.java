package dev.sealer.emulator;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.sealer.Texts;
import dev.sealer.kms.aliyun.instance.RequestSigner;
import dev.sealer.kms.aliyun.instance.proto.DecryptRequest;
import dev.sealer.kms.aliyun.instance.proto.EncryptRequest;
import dev.sealer.kms.aliyun.instance.proto.Error;
import dev.sealer.kms.aliyun.instance.proto.GenerateDataKeyRequest;
import dev.sealer.kms.aliyun.instance.proto.GetSecretValueRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.Set;
import java.util.UUID;

/**
 * The KMS-instance API ({@code dkms-gcs-0.2}, protobuf over {@code POST /}) as the emulator speaks it:
 * the path, api version and name checked, then {@link InstanceAuth}, then the body parsed and handed to
 * {@link InstanceOperations}. Every answer, refusals included, is a protobuf message with a fresh
 * {@code RequestId} (also in {@code x-kms-requestid}); a refusal is an {@code Error} with the real
 * service's HTTP status and {@code ErrorCode} (docs/FORMAT.md, "Errors").
 */
final class InstanceApi {

    /** The APIs served. */
    static final Set<String> APIS = Set.of("Encrypt", "Decrypt", "GetSecretValue", "GenerateDataKey");

    private final InstanceAuth auth;
    private final InstanceOperations operations;

    InstanceApi(InstanceAuth auth, InstanceOperations operations) {
        this.auth = auth;
        this.operations = operations;
    }

    /** A request of this API, read whole. */
    EmulatedCall call(HttpServerRequest request, byte[] body) {
        return new EmulatedCall() {
            @Override
            public String countedName() {
                String api = request.getHeader(RequestSigner.HEADER_API_NAME);
                return api != null && APIS.contains(api) ? api : "other";
            }

            @Override
            public Reply serve() {
                try {
                    return reply(200, process(request, body));
                } catch (Refusal refusal) {
                    return refuse(refusal);
                }
            }

            @Override
            public Reply refuse(Refusal refusal) {
                return InstanceApi.refuse(refusal, false);
            }
        };
    }

    /** A refusal in this API's form; {@code close}: the connection closes after it. */
    static EmulatedCall.Reply refuse(Refusal refusal, boolean close) {
        Error error = Error.newBuilder()
                .setStatusCode(refusal.status)
                .setErrorCode(refusal.code)
                .setErrorMessage(refusal.getMessage())
                .setRequestId(UUID.randomUUID().toString())
                .build();
        return new EmulatedCall.Reply(
                refusal.status,
                RequestSigner.CONTENT_TYPE,
                "x-kms-requestid",
                error.getRequestId(),
                error.toByteArray(),
                close);
    }

    private static EmulatedCall.Reply reply(int status, Message answer) {
        var field = answer.getDescriptorForType().findFieldByName("RequestId");
        String requestId = field == null ? "" : String.valueOf(answer.getField(field));
        return new EmulatedCall.Reply(
                status, RequestSigner.CONTENT_TYPE, "x-kms-requestid", requestId, answer.toByteArray());
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
        if (apiName == null || !APIS.contains(apiName)) {
            throw new Refusal(400, "InvalidApiName", "The api name is not supported: " + printable(apiName));
        }
        auth.check(request, body);
        String requestId = UUID.randomUUID().toString();
        try {
            return switch (apiName) {
                case "Encrypt" -> operations.encrypt(EncryptRequest.parseFrom(body), requestId);
                case "Decrypt" -> operations.decrypt(DecryptRequest.parseFrom(body), requestId);
                case "GenerateDataKey" -> operations.generateDataKey(GenerateDataKeyRequest.parseFrom(body), requestId);
                default -> operations.getSecretValue(GetSecretValueRequest.parseFrom(body), requestId);
            };
        } catch (InvalidProtocolBufferException e) {
            throw new Refusal(400, "InvalidParameter", "The request body is not a valid " + apiName + "Request.");
        }
    }

    /** A header value safe to echo in a message: printable ASCII, at most 64 characters. */
    private static String printable(String value) {
        return Texts.printable(value, 64);
    }
}
