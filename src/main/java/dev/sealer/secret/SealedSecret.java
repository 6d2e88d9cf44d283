package dev.sealer.secret;

import dev.sealer.CallerFaultException;
import dev.sealer.ErrorCode;
import dev.sealer.SafeIds;
import dev.sealer.StrictBase64;
import dev.sealer.kms.KmsProvider;
import dev.sealer.kms.KmsProviders;
import java.util.Map;

/**
 * A verified sealed secret, read once into its typed form: an {@link Envelope} (its base64 decoded, its wrap type
 * known, its provider resolved) or a {@link Vault} pointer. Built only by {@link #read}, from a payload whose
 * signature verified (or, with the explicit skip switch, that was merely decoded). The provider settings and
 * annotations stay as the payload holds them (a non-string value is a {@code null} entry): the provider reads
 * them, tolerantly, when it is asked for a client.
 */
public sealed interface SealedSecret {

    /** The provider that serves this secret. */
    KmsProvider provider();

    /** The provider settings, as written (untrusted until the provider reads them). */
    Map<String, String> providerSettings();

    /** The annotations, as written (untrusted until the provider reads them). */
    Map<String, String> annotations();

    /**
     * A data key wrapped by the KMS and the data it encrypts. Public, but {@link #encryptedKey} opens to a secret.
     *
     * @param keyId checked as a KMS key id
     * @param iv of the length the wrap type needs
     */
    record Envelope(
            KmsProvider provider,
            String keyId,
            byte[] encryptedKey,
            byte[] encryptedData,
            byte[] iv,
            WrapType wrapType,
            Map<String, String> providerSettings,
            Map<String, String> annotations)
            implements SealedSecret {}

    /** A pointer to a secret stored in the KMS. Public. */
    record Vault(
            KmsProvider provider, String name, Map<String, String> providerSettings, Map<String, String> annotations)
            implements SealedSecret {}

    /**
     * Reads a payload, in the order the checks have always run: the provider first, then (envelopes) the wrap
     * type, the key id, the base64 of {@code encrypted_key}, {@code encrypted_data} and {@code iv}, the IV's
     * length, the wrapped key's length, and the data's size against the limits.
     */
    static SealedSecret read(SealedSecretPayload payload, KmsProviders providers, SecretLimits limits) {
        KmsProvider provider = providers.get(payload.provider());
        if (SealedSecretPayload.TYPE_VAULT.equals(payload.type())) {
            return new Vault(provider, payload.name(), payload.providerSettings(), payload.annotations());
        }
        WrapType wrapType = WrapType.of(payload.wrapType());
        String keyId = SafeIds.requireKeyId("key_id", payload.keyId());
        byte[] encryptedKey = StrictBase64.decodeStandard("encrypted_key", payload.encryptedKey());
        byte[] encryptedData = StrictBase64.decodeStandard("encrypted_data", payload.encryptedData());
        byte[] iv = StrictBase64.decodeStandard("iv", payload.iv());
        if (iv.length != wrapType.ivBytes()) {
            throw malformed(
                    "field 'iv': must be " + wrapType.ivBytes() + " bytes for " + wrapType + ", found " + iv.length);
        }
        if (encryptedKey.length == 0 || encryptedKey.length > 4096) {
            throw malformed("field 'encrypted_key': must be 1 to 4096 bytes");
        }
        limits.check(encryptedData.length - wrapType.tagBytes());
        if (encryptedData.length < wrapType.tagBytes()) {
            throw malformed("field 'encrypted_data': shorter than the 16-byte GCM tag");
        }
        return new Envelope(
                provider,
                keyId,
                encryptedKey,
                encryptedData,
                iv,
                wrapType,
                payload.providerSettings(),
                payload.annotations());
    }

    private static CallerFaultException malformed(String message) {
        return new CallerFaultException(ErrorCode.MALFORMED_SEALED_SECRET, message);
    }
}
