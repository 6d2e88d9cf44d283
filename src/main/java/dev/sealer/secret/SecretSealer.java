package dev.sealer.secret;

import dev.sealer.ErrorCode;
import dev.sealer.SafeIds;
import dev.sealer.SealerException;
import dev.sealer.StrictBase64;
import dev.sealer.kms.KmsClient;
import dev.sealer.kms.KmsProvider;
import dev.sealer.kms.KmsProviders;
import dev.sealer.kms.WrappedKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Makes and opens sealed secrets in the Confidential Containers CDH format (SPEC 1).
 *
 * <p>Envelope sealing: a fresh 32-byte data key and 12-byte IV from {@link SecureRandom} for every
 * secret (callers cannot supply either), AES-256-GCM over the secret with no AAD and the 16-byte tag
 * appended, the data key wrapped by the KMS, the payload signed with ES256. The data key is wiped
 * when done. Unsealing verifies the signature before anything in the payload is used, then checks
 * the version first, then the rest; it supports A256GCM and A256CTR data, and vault secrets (a KMS
 * {@code GetSecretValue}).
 *
 * <p>Authenticated: the whole payload (by the signature). Secret: the plaintext and the data key,
 * never logged or put into messages. The legacy unsigned form, or any unsigned reading, is accepted
 * only when the instance was built with {@code skipVerification}, an explicit opt-in.
 */
public final class SecretSealer {

    /**
     * Options of one instance; see the configuration properties in the README.
     *
     * @param dataKeyCache bounds of the opt-in data-key cache, or null for none (the default)
     */
    public record Options(int maxSecretBytes, boolean skipVerification, DataKeyCache.Limits dataKeyCache) {

        public Options(int maxSecretBytes, boolean skipVerification) {
            this(maxSecretBytes, skipVerification, null);
        }
    }

    private static final int DATA_KEY_BYTES = 32;
    private static final int GCM_IV_BYTES = 12;
    private static final int CTR_IV_BYTES = 16;
    private static final int GCM_TAG_BITS = 128;

    private final KmsProviders providers;
    private final SigningKey signingKey;
    private final VerificationKeys verificationKeys;
    private final Options options;
    private final SecureRandom random;
    private final long maxSealedChars;
    private final DataKeyCache dataKeys;

    /**
     * @param signingKey the key that signs new sealed secrets; null if this instance only unseals
     */
    public SecretSealer(KmsProviders providers, SigningKey signingKey, VerificationKeys verificationKeys,
            Options options, SecureRandom random) {
        this.providers = Objects.requireNonNull(providers);
        this.signingKey = signingKey;
        this.verificationKeys = Objects.requireNonNull(verificationKeys);
        this.options = options;
        this.random = Objects.requireNonNull(random);
        this.maxSealedChars = maxSealedChars(options.maxSecretBytes());
        this.dataKeys = options.dataKeyCache() == null ? null : new DataKeyCache(options.dataKeyCache());
    }

    public boolean canSeal() {
        return signingKey != null;
    }

    public Options options() {
        return options;
    }

    /** The longest sealed secret that can hold a secret of the maximum size, plus room for the fields. */
    static long maxSealedChars(int maxSecretBytes) {
        long payloadBytes = StrictBase64.standardLength(maxSecretBytes + 16L) + 16 * 1024;
        return "sealed.".length() + (payloadBytes * 4 + 2) / 3 + 4 * 1024;
    }

    public long maxSealedChars() {
        return maxSealedChars;
    }

    /**
     * Seals {@code plaintext} under the KMS key {@code keyId} of the provider.
     *
     * @param providerSettings untrusted; missing values fall back to the provider's defaults
     */
    public String sealEnvelope(byte[] plaintext, String providerName, String keyId, Map<String, String> providerSettings) {
        requireSizeOf(plaintext);
        SigningKey key = requireSigningKey();
        KmsProvider provider = providers.get(providerName);
        String effectiveKeyId = SafeIds.requireKeyId("key_id", keyId != null ? keyId : provider.defaultKeyId());
        KmsClient kms = provider.client(providerSettings);

        byte[] dataKey = new byte[DATA_KEY_BYTES];
        byte[] iv = new byte[GCM_IV_BYTES];
        try {
            random.nextBytes(dataKey);
            random.nextBytes(iv);
            byte[] encryptedData = aesGcm(Cipher.ENCRYPT_MODE, dataKey, iv, plaintext);
            WrappedKey wrapped = kms.encrypt(effectiveKeyId, dataKey);
            SealedSecretPayload payload = SealedSecretPayload.envelope(provider.name(), effectiveKeyId,
                    StrictBase64.encodeStandard(wrapped.ciphertext()), StrictBase64.encodeStandard(encryptedData),
                    StrictBase64.encodeStandard(iv), provider.canonicalSettings(providerSettings),
                    new LinkedHashMap<>(wrapped.annotations()));
            return SealedSecretJws.sign(key, payload.toJson());
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    /**
     * Seals a pointer to a secret stored in the KMS (type {@code vault}); no KMS call is made, and
     * no credential is needed.
     */
    public String sealVault(String providerName, String name, Map<String, String> providerSettings,
            Map<String, String> annotations) {
        SigningKey key = requireSigningKey();
        KmsProvider provider = providers.get(providerName);
        if (name == null || name.isEmpty()) {
            throw new SealerException(ErrorCode.INVALID_REQUEST, "field 'name': required for a vault secret");
        }
        SealedSecretPayload payload = SealedSecretPayload.vault(provider.name(), name,
                provider.canonicalSettings(providerSettings),
                annotations == null ? new LinkedHashMap<>() : new LinkedHashMap<>(annotations));
        return SealedSecretJws.sign(key, payload.toJson());
    }

    /**
     * Opens a sealed secret (surrounding white space is ignored).
     *
     * @return the secret; the caller must wipe it after use
     */
    public byte[] unseal(String sealed) {
        if (sealed == null) {
            throw new SealerException(ErrorCode.INVALID_REQUEST, "field 'sealed': required");
        }
        if (sealed.length() > maxSealedChars + 1024) {
            throw new SealerException(ErrorCode.PAYLOAD_TOO_LARGE, "field 'sealed': longer than a sealed secret of "
                    + options.maxSecretBytes() + " bytes can be");
        }
        SealedSecretJws.Parts parts = SealedSecretJws.split(sealed.strip());
        byte[] payloadJson;
        if (options.skipVerification()) {
            payloadJson = SealedSecretJws.unverifiedPayload(parts);
        } else if (parts.isLegacy()) {
            throw new SealerException(ErrorCode.SIGNATURE_REQUIRED,
                    "the sealed secret is unsigned (legacy form) and signature verification is on");
        } else {
            payloadJson = SealedSecretJws.verify(parts, verificationKeys);
        }
        SealedSecretPayload payload = SealedSecretPayload.parse(payloadJson);
        KmsProvider provider = providers.get(payload.provider());
        if (SealedSecretPayload.TYPE_VAULT.equals(payload.type())) {
            KmsClient kms = provider.client(payload.providerSettings());
            return kms.getSecret(payload.name(), payload.annotations());
        }
        return openEnvelope(provider, payload);
    }

    private byte[] openEnvelope(KmsProvider provider, SealedSecretPayload payload) {
        String wrapType = payload.wrapType();
        int ivBytes = switch (wrapType) {
            case SealedSecretPayload.WRAP_A256GCM -> GCM_IV_BYTES;
            case SealedSecretPayload.WRAP_A256CTR -> CTR_IV_BYTES;
            default -> throw new SealerException(ErrorCode.UNSUPPORTED_WRAP_TYPE,
                    "field 'wrap_type': must be A256GCM or A256CTR");
        };
        String keyId = SafeIds.requireKeyId("key_id", payload.keyId());
        byte[] encryptedKey = StrictBase64.decodeStandard("encrypted_key", payload.encryptedKey());
        byte[] encryptedData = StrictBase64.decodeStandard("encrypted_data", payload.encryptedData());
        byte[] iv = StrictBase64.decodeStandard("iv", payload.iv());
        if (iv.length != ivBytes) {
            throw new SealerException(ErrorCode.MALFORMED_SEALED_SECRET,
                    "field 'iv': must be " + ivBytes + " bytes for " + wrapType + ", found " + iv.length);
        }
        if (encryptedKey.length == 0 || encryptedKey.length > 4096) {
            throw new SealerException(ErrorCode.MALFORMED_SEALED_SECRET, "field 'encrypted_key': must be 1 to 4096 bytes");
        }
        long maxData = options.maxSecretBytes() + (wrapType.equals(SealedSecretPayload.WRAP_A256GCM) ? 16 : 0);
        if (encryptedData.length > maxData) {
            throw new SealerException(ErrorCode.PAYLOAD_TOO_LARGE, "field 'encrypted_data': the secret exceeds "
                    + options.maxSecretBytes() + " bytes");
        }
        if (wrapType.equals(SealedSecretPayload.WRAP_A256GCM) && encryptedData.length < GCM_TAG_BITS / 8) {
            throw new SealerException(ErrorCode.MALFORMED_SEALED_SECRET,
                    "field 'encrypted_data': shorter than the 16-byte GCM tag");
        }
        byte[] dataKey = decryptDataKey(provider, payload, keyId, encryptedKey);
        try {
            return wrapType.equals(SealedSecretPayload.WRAP_A256GCM)
                    ? aesGcm(Cipher.DECRYPT_MODE, dataKey, iv, encryptedData)
                    : aesCtr(dataKey, iv, encryptedData);
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    /** The data key, from the cache when it is on and holds it, else from the KMS (checked: 32 bytes). */
    private byte[] decryptDataKey(KmsProvider provider, SealedSecretPayload payload, String keyId, byte[] encryptedKey) {
        String cacheKey = dataKeys == null ? null
                : DataKeyCache.keyOf(provider.name(), payload.providerSettings(), keyId, encryptedKey, payload.annotations());
        if (cacheKey != null) {
            byte[] cached = dataKeys.get(cacheKey);
            if (cached != null) {
                return cached;
            }
        }
        byte[] dataKey = provider.client(payload.providerSettings()).decrypt(keyId, encryptedKey, payload.annotations());
        if (dataKey.length != DATA_KEY_BYTES) {
            Arrays.fill(dataKey, (byte) 0);
            throw new SealerException(ErrorCode.KMS_BAD_RESPONSE,
                    "the KMS returned a data key of " + dataKey.length + " bytes, not " + DATA_KEY_BYTES);
        }
        if (cacheKey != null) {
            dataKeys.put(cacheKey, dataKey);
        }
        return dataKey;
    }

    private void requireSizeOf(byte[] plaintext) {
        if (plaintext.length > options.maxSecretBytes()) {
            throw new SealerException(ErrorCode.PAYLOAD_TOO_LARGE,
                    "the secret is " + plaintext.length + " bytes; the limit is " + options.maxSecretBytes());
        }
    }

    private SigningKey requireSigningKey() {
        if (signingKey == null) {
            throw new SealerException(ErrorCode.NOT_CONFIGURED,
                    "sealing needs a signing key: set sealed-secret.signing.jwk-file and sealed-secret.signing.kid");
        }
        return signingKey;
    }

    /** AES-256-GCM as the CDH does it: 12-byte IV, 128-bit tag appended, no AAD. */
    private static byte[] aesGcm(int mode, byte[] key, byte[] iv, byte[] input) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(GCM_TAG_BITS, iv));
            return cipher.doFinal(input);
        } catch (AEADBadTagException e) {
            throw new SealerException(ErrorCode.DECRYPTION_FAILED,
                    "field 'encrypted_data': does not decrypt with the data key (tampered or corrupt)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    /** AES-256-CTR, read for compatibility with older CDH tools (no integrity beyond the signature). */
    private static byte[] aesCtr(byte[] key, byte[] iv, byte[] input) {
        try {
            Cipher cipher = Cipher.getInstance("AES/CTR/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
            return cipher.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CTR is unavailable", e);
        }
    }

    /**
     * Runs every local step of seal and unseal once on throwaway data (ES256 sign and verify, payload
     * JSON, AES-GCM, base64), so that classes are loaded, tables built and code compiled before the
     * first real request. No KMS call, no real key.
     */
    public static void warmUp() {
        try {
            java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("EC");
            generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
            java.security.KeyPair pair = generator.generateKeyPair();
            byte[] key = new byte[DATA_KEY_BYTES];
            byte[] iv = new byte[GCM_IV_BYTES];
            byte[] data = aesGcm(Cipher.ENCRYPT_MODE, key, iv, new byte[] {1, 2, 3});
            aesGcm(Cipher.DECRYPT_MODE, key, iv, data);
            SealedSecretPayload payload = SealedSecretPayload.envelope("warm-up", "key", StrictBase64.encodeStandard(key),
                    StrictBase64.encodeStandard(data), StrictBase64.encodeStandard(iv), Map.of("a", "b"), Map.of("iv", "c"));
            String signingInput = "e30." + StrictBase64.encodeUrl(payload.toJson());
            byte[] signature = Es256.sign((java.security.interfaces.ECPrivateKey) pair.getPrivate(), signingInput);
            Es256.verify((java.security.interfaces.ECPublicKey) pair.getPublic(), signingInput, signature);
            SealedSecretPayload.parse(payload.toJson());
            StrictBase64.decodeUrl("warm-up", signingInput.substring(4));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks EC or AES-GCM", e);
        }
    }

    /** UTF-8 text of a secret, or null when the bytes are not valid UTF-8. */
    public static String utf8OrNull(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }
}
