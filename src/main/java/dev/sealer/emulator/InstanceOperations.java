package dev.sealer.emulator;

import static dev.sealer.emulator.ResourceNames.withoutArn;

import com.google.protobuf.ByteString;
import dev.sealer.kms.aliyun.instance.proto.DecryptRequest;
import dev.sealer.kms.aliyun.instance.proto.DecryptResponse;
import dev.sealer.kms.aliyun.instance.proto.EncryptRequest;
import dev.sealer.kms.aliyun.instance.proto.EncryptResponse;
import dev.sealer.kms.aliyun.instance.proto.GenerateDataKeyRequest;
import dev.sealer.kms.aliyun.instance.proto.GenerateDataKeyResponse;
import dev.sealer.kms.aliyun.instance.proto.GetSecretValueRequest;
import dev.sealer.kms.aliyun.instance.proto.GetSecretValueResponse;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Map;

/**
 * The four operations of the emulated KMS-instance API on authenticated requests: {@code Encrypt},
 * {@code Decrypt}, {@code GenerateDataKey} (AES-GCM under the emulator's keys) and
 * {@code GetSecretValue} (its configured secrets, one version {@code v1} at stage {@code ACSCurrent}).
 * Parameter checks answer the real service's {@link Refusal}s.
 */
final class InstanceOperations {

    private static final int MAX_ENCRYPT_PLAINTEXT = 6 * 1024;
    private static final int MAX_AAD = 8192;
    private static final String CURRENT_STAGE = "ACSCurrent";
    private static final String CURRENT_VERSION = "v1";

    private final EmulatorKeys keys;
    private final Map<String, String> secrets;
    private final Instant createTime;
    private final SecureRandom random = new SecureRandom();

    InstanceOperations(EmulatorKeys keys, Map<String, String> secrets, Instant createTime) {
        this.keys = keys;
        this.secrets = Map.copyOf(secrets);
        this.createTime = createTime;
    }

    EncryptResponse encrypt(EncryptRequest request, String requestId) throws Refusal {
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

    DecryptResponse decrypt(DecryptRequest request, String requestId) throws Refusal {
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

    GenerateDataKeyResponse generateDataKey(GenerateDataKeyRequest request, String requestId) throws Refusal {
        requireKey(request.getKeyId());
        requireAlgorithm(request.getAlgorithm());
        requireAad(request.getAad());
        int length = request.getNumberOfBytes() == 0 ? 32 : request.getNumberOfBytes();
        if (length < 1 || length > 1024) {
            throw new Refusal(400, "InvalidParameter", "The NumberOfBytes must be 1 to 1024.");
        }
        byte[] dataKey = new byte[length];
        random.nextBytes(dataKey);
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

    GetSecretValueResponse getSecretValue(GetSecretValueRequest request, String requestId) throws Refusal {
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
}
