package dev.sealer.kms.aliyun.instance;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.sealer.CallerFaultException;
import dev.sealer.ErrorCode;
import dev.sealer.SafeIds;
import dev.sealer.SealerException;
import dev.sealer.StrictBase64;
import dev.sealer.kms.EnvelopeKey;
import dev.sealer.kms.KmsCallObserver;
import dev.sealer.kms.KmsErrorAnswer;
import dev.sealer.kms.KmsFailureException;
import dev.sealer.kms.RetryLoop;
import dev.sealer.kms.SecretGetter;
import dev.sealer.kms.WrappedKey;
import dev.sealer.kms.aliyun.common.AliyunKmsAnswers;
import dev.sealer.kms.aliyun.common.AliyunVault;
import dev.sealer.kms.aliyun.common.KmsCalls;
import dev.sealer.kms.aliyun.common.KmsTransportFailures;
import dev.sealer.kms.aliyun.instance.proto.DecryptRequest;
import dev.sealer.kms.aliyun.instance.proto.EncryptRequest;
import dev.sealer.kms.aliyun.instance.proto.EncryptResponse;
import dev.sealer.kms.aliyun.instance.proto.GetSecretValueRequest;
import io.smallrye.mutiny.Uni;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One KMS instance reached with one client key over the KMS-instance API ({@code dkms-gcs-0.2}),
 * behind the provider-neutral {@link EnvelopeKey} and {@link SecretGetter} interfaces (a client key has both). Thread-safe; holds one REST client and
 * its connection pool.
 *
 * <p>Encrypt and Decrypt use {@code AES_GCM} with an IV chosen by the KMS, returned to the caller as
 * the {@code iv} annotation (std base64), exactly as the CDH's Aliyun driver does. Every call runs in
 * a {@link RetryLoop} by {@link KmsCalls} (throttling, 5xx answers and connection failures are retried; the whole
 * call is bounded in time); error answers are judged by {@link AliyunKmsAnswers}.
 */
public final class KmsInstanceClient implements EnvelopeKey, SecretGetter, AutoCloseable {

    public static final String ALGORITHM = "AES_GCM";
    public static final String ANNOTATION_IV = "iv";
    private static final int GCM_IV_BYTES = 12;
    /** What the KMS may answer the connection probe once it has authenticated the request. */
    private static final Set<String> EXPECTED_PROBE_ANSWERS =
            Set.of("MissingParameter", "InvalidParameter", "Forbidden.ResourceNotFound");

    private final KmsInstanceApi api;
    private final URI endpoint;
    private final KmsCalls calls;

    KmsInstanceClient(KmsInstanceApi api, URI endpoint, RetryLoop retries, KmsCallObserver observer) {
        this.api = api;
        this.endpoint = endpoint;
        this.calls = new KmsCalls(endpoint, retries, observer, KmsInstanceClient::isBadAnswer, "protobuf message");
    }

    @Override
    public WrappedKey encrypt(String keyId, byte[] plaintext) {
        EncryptRequest request = EncryptRequest.newBuilder()
                .setKeyId(SafeIds.requireKeyId("key_id", keyId))
                .setPlaintext(ByteString.copyFrom(plaintext))
                .setAlgorithm(ALGORITHM)
                .build();
        EncryptResponse response = call("Encrypt", () -> api.encrypt(request));
        if (response.getCiphertextBlob().isEmpty() || response.getIv().size() != GCM_IV_BYTES) {
            throw new KmsFailureException(
                    ErrorCode.KMS_BAD_RESPONSE,
                    "the KMS answered Encrypt without a ciphertext or a " + GCM_IV_BYTES + "-byte IV",
                    null,
                    response.getRequestId(),
                    "KMS at " + endpoint,
                    null);
        }
        return new WrappedKey(
                response.getCiphertextBlob().toByteArray(),
                Map.of(
                        ANNOTATION_IV,
                        StrictBase64.encodeStandard(response.getIv().toByteArray())));
    }

    @Override
    public byte[] decrypt(String keyId, byte[] ciphertext, Map<String, String> annotations) {
        byte[] iv = decodeIv(annotations.get(ANNOTATION_IV));
        DecryptRequest request = DecryptRequest.newBuilder()
                .setKeyId(SafeIds.requireKeyId("key_id", keyId))
                .setCiphertextBlob(ByteString.copyFrom(ciphertext))
                .setAlgorithm(ALGORITHM)
                .setIv(ByteString.copyFrom(iv))
                .build();
        return call("Decrypt", () -> api.decrypt(request)).getPlaintext().toByteArray();
    }

    @Override
    public byte[] getSecret(String name, Map<String, String> annotations) {
        AliyunVault.Reference reference = AliyunVault.reference(name, annotations);
        GetSecretValueRequest request = GetSecretValueRequest.newBuilder()
                .setSecretName(reference.name())
                .setVersionStage(reference.versionStage())
                .setVersionId(reference.versionId())
                .setFetchExtendedConfig(true)
                .build();
        return call("GetSecretValue", () -> api.getSecretValue(request))
                .getSecretData()
                .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Opens the pooled TLS connection ahead of the first call: one {@code GetSecretValue} without a
     * secret name, which the KMS refuses ({@code MissingParameter}) before touching any key or
     * secret. The handshake, the request signature and the codecs are then ready, and the connection
     * stays in the pool for the first real call. Failures are only returned: the first call reports them.
     *
     * @return null when the KMS answered (any answer), else the failure
     */
    public SealerException connect() {
        try {
            call("GetSecretValue", () -> api.getSecretValue(GetSecretValueRequest.getDefaultInstance()));
            return null;
        } catch (SealerException e) {
            // (Set.of rejects null: a failure without a KMS answer has no error code)
            return e instanceof KmsErrorAnswer answer
                            && answer.kmsErrorCode() != null
                            && EXPECTED_PROBE_ANSWERS.contains(answer.kmsErrorCode())
                    ? null
                    : e;
        }
    }

    @Override
    public void close() {
        api.close();
    }

    private static byte[] decodeIv(String iv) {
        if (iv == null) {
            throw new CallerFaultException(ErrorCode.MALFORMED_SEALED_SECRET, "field 'annotations.iv' is missing");
        }
        byte[] bytes = StrictBase64.decodeStandard("annotations.iv", iv);
        if (bytes.length != GCM_IV_BYTES) {
            throw new CallerFaultException(
                    ErrorCode.MALFORMED_SEALED_SECRET,
                    "field 'annotations.iv': must be " + GCM_IV_BYTES + " bytes, found " + bytes.length);
        }
        return bytes;
    }

    private <T> T call(String apiName, Supplier<Uni<? extends T>> operation) {
        return calls.call(apiName, operation);
    }

    static boolean isRetryable(RuntimeException failure) {
        return KmsTransportFailures.isRetryable(failure, KmsInstanceClient::isBadAnswer);
    }

    private static boolean isBadAnswer(Throwable cause) {
        return cause instanceof InvalidProtocolBufferException;
    }
}
