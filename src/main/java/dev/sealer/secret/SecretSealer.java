package dev.sealer.secret;

import dev.sealer.CallerFaultException;
import dev.sealer.ErrorCode;
import dev.sealer.SafeIds;
import dev.sealer.ServiceFaultException;
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
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Makes and opens sealed secrets in the Confidential Containers CDH format (docs/FORMAT.md).
 *
 * <p>Envelope sealing: a fresh 32-byte data key and 12-byte IV from {@link SecureRandom} for every
 * secret (callers cannot supply either), AES-256-GCM over the secret with no AAD and the 16-byte tag
 * appended, the data key wrapped by the KMS, the payload signed with ES256. The data key is wiped
 * when done. Unsealing verifies the signature before anything in the payload is used, then checks
 * the version first, then the rest; it supports A256GCM and A256CTR data, and vault secrets (read
 * from the KMS).
 *
 * <p>Authenticated: the whole payload (by the signature). Secret: the plaintext and the data key,
 * never logged or put into messages. The legacy unsigned form, or any unsigned reading, is accepted
 * only when the instance was built with {@code skipVerification}, an explicit opt-in.
 */
public final class SecretSealer {

    /**
     * Options of one instance; see the configuration properties in the README.
     *
     * @param requireLowS refuse signatures in their high-S form (the CDH's own tools write both forms)
     */
    public record Options(SecretLimits limits, boolean skipVerification, boolean requireLowS) {}

    private static final int DATA_KEY_BYTES = 32;
    private static final int GCM_IV_BYTES = 12;
    private static final int CTR_IV_BYTES = 16;
    private static final int GCM_TAG_BITS = 128;

    private final KmsProviders providers;
    private final SigningKey signingKey;
    private final VerificationKeys verificationKeys;
    private final Options options;
    private final DataKeyCache dataKeys;
    private final SecureRandom random;

    /**
     * @param signingKey the key that signs new sealed secrets; null if this instance only unseals
     * @param dataKeys the opt-in cache of decrypted data keys; null for none (the default)
     */
    public SecretSealer(
            KmsProviders providers,
            SigningKey signingKey,
            VerificationKeys verificationKeys,
            Options options,
            DataKeyCache dataKeys,
            SecureRandom random) {
        this.providers = Objects.requireNonNull(providers);
        this.signingKey = signingKey;
        this.verificationKeys = Objects.requireNonNull(verificationKeys);
        this.options = Objects.requireNonNull(options);
        this.dataKeys = dataKeys;
        this.random = Objects.requireNonNull(random);
    }

    public boolean canSeal() {
        return signingKey != null;
    }

    /** The kid and public key that verify what this instance seals; empty when it only unseals. */
    public Optional<PublishedKeys.Entry> verificationKey() {
        return signingKey == null
                ? Optional.empty()
                : Optional.of(new PublishedKeys.Entry(signingKey.kid(), signingKey.publicKey()));
    }

    public SecretLimits limits() {
        return options.limits();
    }

    /**
     * Seals {@code plaintext} under the KMS key {@code keyId} (null: the provider's default).
     *
     * @param providerSettings untrusted; missing values fall back to the provider's defaults
     */
    public String sealEnvelope(
            byte[] plaintext, String providerName, String keyId, Map<String, String> providerSettings) {
        options.limits().check(plaintext.length);
        SigningKey key = requireSigningKey();
        KmsProvider provider = providers.get(providerName);
        Map<String, String> settings = provider.canonicalSettings(KmsProvider.SealedKind.ENVELOPE, providerSettings);
        String effectiveKeyId = SafeIds.requireKeyId("key_id", keyId != null ? keyId : provider.defaultKeyId());
        KmsClient kms = provider.client(settings);

        byte[] dataKey = new byte[DATA_KEY_BYTES];
        byte[] iv = new byte[GCM_IV_BYTES];
        try {
            random.nextBytes(dataKey);
            random.nextBytes(iv);
            byte[] encryptedData = aesGcm(Cipher.ENCRYPT_MODE, dataKey, iv, plaintext);
            WrappedKey wrapped = kms.encrypt(effectiveKeyId, dataKey);
            SealedSecretPayload payload = SealedSecretPayload.envelope(
                    provider.name(),
                    effectiveKeyId,
                    StrictBase64.encodeStandard(wrapped.ciphertext()),
                    StrictBase64.encodeStandard(encryptedData),
                    StrictBase64.encodeStandard(iv),
                    settings,
                    new LinkedHashMap<>(wrapped.annotations()));
            return SealedSecretJws.sign(key, payload.toJson());
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    /**
     * Seals a pointer to a secret stored in the KMS (type {@code vault}). No KMS call is made and no
     * credential is needed, but the reference is checked with the rule that applies when it is opened.
     */
    public String sealVault(
            String providerName, String name, Map<String, String> providerSettings, Map<String, String> annotations) {
        SigningKey key = requireSigningKey();
        KmsProvider provider = providers.get(providerName);
        if (name == null || name.isEmpty()) {
            throw new CallerFaultException(ErrorCode.INVALID_REQUEST, "field 'name': required for a vault secret");
        }
        Map<String, String> settings = provider.canonicalSettings(KmsProvider.SealedKind.VAULT, providerSettings);
        Map<String, String> checkedAnnotations = provider.canonicalVaultReference(name, annotations);
        return SealedSecretJws.sign(
                key,
                SealedSecretPayload.vault(provider.name(), name, settings, checkedAnnotations)
                        .toJson());
    }

    /**
     * Opens a sealed secret (surrounding white space is ignored).
     *
     * @return the secret; the caller must wipe it after use
     */
    public byte[] unseal(String sealed) {
        SealedSecretPayload payload = verifiedPayload(sealed);
        KmsProvider provider = providers.get(payload.provider());
        if (SealedSecretPayload.TYPE_VAULT.equals(payload.type())) {
            byte[] secret =
                    provider.client(payload.providerSettings()).getSecret(payload.name(), payload.annotations());
            try {
                options.limits().check(secret.length);
            } catch (RuntimeException e) {
                Arrays.fill(secret, (byte) 0);
                throw e;
            }
            return secret;
        }
        return openEnvelope(provider, payload);
    }

    /**
     * Opens a sealed secret and seals it again, here, with a fresh data key and IV, signed with this
     * instance's signing key and kid: the plaintext never leaves. An envelope secret (A256GCM, A256CTR,
     * or the legacy unsigned form where verification is skipped) becomes a signed A256GCM one; a vault
     * pointer is signed again as it is.
     *
     * @param keyId another KMS key, or null for the one the secret names
     * @param providerSettings other provider settings, or null for those of the secret
     */
    public String reseal(String sealed, String keyId, Map<String, String> providerSettings) {
        requireSigningKey();
        SealedSecretPayload payload = verifiedPayload(sealed);
        Map<String, String> settings =
                providerSettings != null ? providerSettings : stringMembers(payload.providerSettings());
        if (SealedSecretPayload.TYPE_VAULT.equals(payload.type())) {
            if (keyId != null) {
                throw new CallerFaultException(
                        ErrorCode.INVALID_REQUEST, "field 'key_id': a vault secret names no KMS key");
            }
            return sealVault(payload.provider(), payload.name(), settings, stringMembers(payload.annotations()));
        }
        byte[] secret = openEnvelope(providers.get(payload.provider()), payload);
        try {
            return sealEnvelope(secret, payload.provider(), keyId != null ? keyId : payload.keyId(), settings);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /** The payload, verified (or, with the explicit skip switch, merely decoded), the version checked first. */
    private SealedSecretPayload verifiedPayload(String sealed) {
        return SealedSecretPayload.parse(payloadJson(sealed, !options.skipVerification()));
    }

    /**
     * The payload bytes of a sealed secret whose signature verifies, as unseal reads it, but verified even where
     * verification is skipped (a stock CDH verifies); the legacy unsigned form only with the skip switch. Nothing
     * is decrypted and no KMS is called: for {@code check}.
     */
    public byte[] verifiedPayloadJson(String sealed) {
        return payloadJson(sealed, true);
    }

    private byte[] payloadJson(String sealed, boolean verifySigned) {
        if (sealed == null) {
            throw new CallerFaultException(ErrorCode.INVALID_REQUEST, "field 'sealed': required");
        }
        if (sealed.length() > options.limits().maxSealedChars() + 1024) {
            throw new CallerFaultException(
                    ErrorCode.PAYLOAD_TOO_LARGE,
                    "field 'sealed': longer than a sealed secret of "
                            + options.limits().maxSecretBytes() + " bytes can be");
        }
        SealedSecretJws.Parts parts = SealedSecretJws.split(sealed.strip());
        if (parts.isLegacy() && !options.skipVerification()) {
            throw new CallerFaultException(
                    ErrorCode.SIGNATURE_REQUIRED,
                    "the sealed secret is unsigned (legacy form) and signature verification is on");
        }
        return parts.isLegacy() || !verifySigned
                ? SealedSecretJws.unverifiedPayload(parts)
                : SealedSecretJws.verify(parts, verificationKeys, options.requireLowS());
    }

    /** The string members of a payload map (values that were not strings are dropped). */
    private static Map<String, String> stringMembers(Map<String, String> members) {
        Map<String, String> strings = new LinkedHashMap<>();
        members.forEach((name, value) -> {
            if (value != null) {
                strings.put(name, value);
            }
        });
        return strings;
    }

    private byte[] openEnvelope(KmsProvider provider, SealedSecretPayload payload) {
        String wrapType = payload.wrapType();
        int ivBytes = switch (wrapType) {
            case SealedSecretPayload.WRAP_A256GCM -> GCM_IV_BYTES;
            case SealedSecretPayload.WRAP_A256CTR -> CTR_IV_BYTES;
            default ->
                throw new CallerFaultException(
                        ErrorCode.UNSUPPORTED_WRAP_TYPE, "field 'wrap_type': must be A256GCM or A256CTR");
        };
        String keyId = SafeIds.requireKeyId("key_id", payload.keyId());
        byte[] encryptedKey = StrictBase64.decodeStandard("encrypted_key", payload.encryptedKey());
        byte[] encryptedData = StrictBase64.decodeStandard("encrypted_data", payload.encryptedData());
        byte[] iv = StrictBase64.decodeStandard("iv", payload.iv());
        if (iv.length != ivBytes) {
            throw new CallerFaultException(
                    ErrorCode.MALFORMED_SEALED_SECRET,
                    "field 'iv': must be " + ivBytes + " bytes for " + wrapType + ", found " + iv.length);
        }
        if (encryptedKey.length == 0 || encryptedKey.length > 4096) {
            throw new CallerFaultException(
                    ErrorCode.MALFORMED_SEALED_SECRET, "field 'encrypted_key': must be 1 to 4096 bytes");
        }
        options.limits()
                .check(encryptedData.length
                        - (wrapType.equals(SealedSecretPayload.WRAP_A256GCM) ? GCM_TAG_BITS / 8 : 0));
        if (wrapType.equals(SealedSecretPayload.WRAP_A256GCM) && encryptedData.length < GCM_TAG_BITS / 8) {
            throw new CallerFaultException(
                    ErrorCode.MALFORMED_SEALED_SECRET, "field 'encrypted_data': shorter than the 16-byte GCM tag");
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
    private byte[] decryptDataKey(
            KmsProvider provider, SealedSecretPayload payload, String keyId, byte[] encryptedKey) {
        String cacheKey = dataKeys == null
                ? null
                : DataKeyCache.keyOf(
                        provider.name(), payload.providerSettings(), keyId, encryptedKey, payload.annotations());
        if (cacheKey != null) {
            byte[] cached = dataKeys.get(cacheKey);
            if (cached != null) {
                return cached;
            }
        }
        byte[] dataKey =
                provider.client(payload.providerSettings()).decrypt(keyId, encryptedKey, payload.annotations());
        if (dataKey.length != DATA_KEY_BYTES) {
            // the KMS opened what the sealer wrapped: a signed secret whose wrapped key is no AES-256 key
            Arrays.fill(dataKey, (byte) 0);
            throw new CallerFaultException(
                    ErrorCode.MALFORMED_SEALED_SECRET,
                    "field 'encrypted_key': does not hold a " + DATA_KEY_BYTES + "-byte data key");
        }
        if (cacheKey != null) {
            dataKeys.put(cacheKey, dataKey);
        }
        return dataKey;
    }

    private SigningKey requireSigningKey() {
        if (signingKey == null) {
            throw new ServiceFaultException(
                    ErrorCode.NOT_CONFIGURED, "this instance only unseals: no signing key is configured");
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
            throw new CallerFaultException(
                    ErrorCode.DECRYPTION_FAILED,
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
            SealedSecretPayload payload = SealedSecretPayload.envelope(
                    "warm-up",
                    "key",
                    StrictBase64.encodeStandard(key),
                    StrictBase64.encodeStandard(data),
                    StrictBase64.encodeStandard(iv),
                    Map.of("a", "b"),
                    Map.of("iv", "c"));
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
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(bytes))
                    .toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }
}
