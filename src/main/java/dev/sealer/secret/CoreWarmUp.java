package dev.sealer.secret;

import dev.sealer.StrictBase64;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Map;

/**
 * Runs every local step of seal and unseal once on throwaway data (ES256 sign and verify, payload JSON, AES-GCM,
 * base64), so that classes are loaded, tables built and code compiled before the first real request. No KMS
 * call, no real key: nothing here is secret.
 */
public final class CoreWarmUp {

    private CoreWarmUp() {}

    public static void run() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            byte[] key = new byte[DataCipher.KEY_BYTES];
            byte[] iv = new byte[WrapType.A256GCM.ivBytes()];
            byte[] data = DataCipher.seal(key, iv, new byte[] {1, 2, 3});
            DataCipher.open(WrapType.A256GCM, key, iv, data);
            SealedSecretPayload payload = SealedSecretPayload.envelope(
                    "warm-up",
                    "key",
                    StrictBase64.encodeStandard(key),
                    StrictBase64.encodeStandard(data),
                    StrictBase64.encodeStandard(iv),
                    Map.of("a", "b"),
                    Map.of("iv", "c"));
            String signingInput = "e30." + StrictBase64.encodeUrl(payload.toJson());
            byte[] signature = Es256.sign((ECPrivateKey) pair.getPrivate(), signingInput);
            Es256.verify((ECPublicKey) pair.getPublic(), signingInput, signature);
            SealedSecretPayload.parse(payload.toJson());
            StrictBase64.decodeUrl("warm-up", signingInput.substring(4));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks EC or AES-GCM", e);
        }
    }
}
