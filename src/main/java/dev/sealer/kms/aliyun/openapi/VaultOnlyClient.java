package dev.sealer.kms.aliyun.openapi;

import dev.sealer.kms.KmsClient;
import dev.sealer.kms.WrappedKey;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The client of a RAM client type ({@code ecs_ram_role}, {@code sts_token}) as the provider hands it
 * out: envelopes are refused at once ({@code unsupported_client_type}, as the CDH does), and only
 * reading a vault secret resolves the target (reads {@code ecsRamRole.json}, picks the endpoint), so
 * a refused envelope never touches a credential file.
 */
public final class VaultOnlyClient implements KmsClient {

    private final Supplier<OpenApiKmsClient> target;

    public VaultOnlyClient(Supplier<OpenApiKmsClient> target) {
        this.target = target;
    }

    @Override
    public WrappedKey encrypt(String keyId, byte[] plaintext) {
        throw OpenApiKmsClient.envelopeRefused();
    }

    @Override
    public byte[] decrypt(String keyId, byte[] ciphertext, Map<String, String> annotations) {
        throw OpenApiKmsClient.envelopeRefused();
    }

    @Override
    public byte[] getSecret(String name, Map<String, String> annotations) {
        return target.get().getSecret(name, annotations);
    }
}
