package dev.sealer.secret;

import dev.sealer.CallerFaultException;
import dev.sealer.ErrorCode;
import dev.sealer.SafeIds;
import dev.sealer.StrictBase64;
import dev.sealer.kms.EnvelopeKey;
import dev.sealer.kms.KmsProvider;
import dev.sealer.kms.KmsProviders;
import dev.sealer.kms.ProviderSettings;
import dev.sealer.kms.WrappedKey;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Makes and opens sealed secrets in the Confidential Containers CDH format (docs/FORMAT.md): the envelope, and
 * nothing else (like Tink's {@code KmsEnvelopeAead}). The JWS is checked by {@link SealedSecretVerifier}, the
 * payload read into a {@link SealedSecret} once, the data enciphered by {@link DataCipher}, the data key opened
 * by a {@link DataKeyDecrypter} (the KMS, or a cache in front of it) and new secrets signed by a {@link Signer}.
 *
 * <p>Envelope sealing: a fresh 32-byte data key and 12-byte IV from {@link SecureRandom} for every secret
 * (callers cannot supply either), AES-256-GCM over the secret with no AAD and the 16-byte tag appended, the data
 * key wrapped by the KMS, the payload signed with ES256. The data key is wiped when done. Unsealing verifies the
 * signature before anything in the payload is used, then checks the version first, then the rest; it supports
 * A256GCM and A256CTR data, and vault secrets (read from the KMS).
 *
 * <p>Authenticated: the whole payload (by the signature). Secret: the plaintext and the data key, never logged
 * or put into messages. The legacy unsigned form, or any unsigned reading, is accepted only when the instance
 * was built with {@code skipVerification}, an explicit opt-in.
 */
public final class SecretSealer {

    /**
     * Options of one instance; see the configuration properties in the README.
     *
     * @param requireLowS refuse signatures in their high-S form (the CDH's own tools write both forms)
     */
    public record Options(SecretLimits limits, boolean skipVerification, boolean requireLowS) {}

    private final KmsProviders providers;
    private final Signer signer;
    private final SealedSecretVerifier verifier;
    private final SecretLimits limits;
    private final DataKeyDecrypter dataKeys;
    private final SecureRandom random;

    /**
     * @param signer what signs new sealed secrets ({@link Signer#none()} if this instance only unseals)
     * @param dataKeys where data keys are opened ({@link DataKeyDecrypter#fromKms()} unless a cache is wanted)
     */
    public SecretSealer(
            KmsProviders providers,
            Signer signer,
            VerificationKeys verificationKeys,
            Options options,
            DataKeyDecrypter dataKeys,
            SecureRandom random) {
        this.providers = Objects.requireNonNull(providers);
        this.signer = Objects.requireNonNull(signer);
        this.verifier = new SealedSecretVerifier(verificationKeys, options);
        this.limits = options.limits();
        this.dataKeys = Objects.requireNonNull(dataKeys);
        this.random = Objects.requireNonNull(random);
    }

    public boolean canSeal() {
        return signer.published().isPresent();
    }

    /** The kid and public key that verify what this instance seals; empty when it only unseals. */
    public Optional<PublishedKeys.Entry> verificationKey() {
        return signer.published();
    }

    public SecretLimits limits() {
        return limits;
    }

    /**
     * Seals {@code plaintext} under the KMS key {@code keyId} (null: the provider's default).
     *
     * @param providerSettings untrusted; missing values fall back to the provider's defaults
     */
    public String sealEnvelope(
            byte[] plaintext, String providerName, String keyId, Map<String, String> providerSettings) {
        limits.check(plaintext.length);
        signer.requireKey();
        return sealEnvelope(plaintext, providers.get(providerName), keyId, providerSettings);
    }

    /**
     * Seals a pointer to a secret stored in the KMS (type {@code vault}). No KMS call is made and no
     * credential is needed, but the reference is checked with the rule that applies when it is opened.
     */
    public String sealVault(
            String providerName, String name, Map<String, String> providerSettings, Map<String, String> annotations) {
        signer.requireKey();
        return sealVault(providers.get(providerName), name, providerSettings, annotations);
    }

    /**
     * Opens a sealed secret (surrounding white space is ignored).
     *
     * @return the secret; the caller must wipe it after use
     */
    public byte[] unseal(String sealed) {
        SealedSecret secret = SealedSecret.read(verifier.payload(sealed), providers, limits);
        return secret instanceof SealedSecret.Envelope envelope
                ? openEnvelope(envelope)
                : readVault((SealedSecret.Vault) secret);
    }

    /**
     * The payload bytes of a sealed secret whose signature verifies, verified even where verification is skipped
     * (a stock CDH verifies); the legacy unsigned form only with the skip switch. Nothing is decrypted and no KMS
     * is called: for {@code check}.
     */
    public byte[] verifiedPayloadJson(String sealed) {
        return verifier.verifiedPayloadJson(sealed);
    }

    /**
     * Opens a sealed secret and seals it again, here, with a fresh data key and IV, signed with this
     * instance's signing key and kid: the plaintext never leaves. An envelope secret (A256GCM, A256CTR,
     * or the legacy unsigned form where verification is skipped) becomes a signed A256GCM one; a vault
     * pointer is signed again as it is. The secret's own settings, when kept, are checked again as a seal
     * request's are (strictly), since they are signed anew.
     *
     * @param keyId another KMS key, or null for the one the secret names
     * @param providerSettings other provider settings, or null for those of the secret
     */
    public String reseal(String sealed, String keyId, Map<String, String> providerSettings) {
        signer.requireKey();
        SealedSecretPayload payload = verifier.payload(sealed);
        if (keyId != null && SealedSecretPayload.TYPE_VAULT.equals(payload.type())) {
            throw new CallerFaultException(
                    ErrorCode.INVALID_REQUEST, "field 'key_id': a vault secret names no KMS key");
        }
        SealedSecret secret = SealedSecret.read(payload, providers, limits);
        Map<String, String> settings =
                providerSettings != null ? providerSettings : stringMembers(secret.providerSettings());
        if (secret instanceof SealedSecret.Vault vault) {
            return sealVault(vault.provider(), vault.name(), settings, stringMembers(vault.annotations()));
        }
        SealedSecret.Envelope envelope = (SealedSecret.Envelope) secret;
        byte[] plaintext = openEnvelope(envelope);
        try {
            limits.check(plaintext.length);
            return sealEnvelope(plaintext, envelope.provider(), keyId != null ? keyId : envelope.keyId(), settings);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    private String sealEnvelope(
            byte[] plaintext, KmsProvider provider, String keyId, Map<String, String> providerSettings) {
        ProviderSettings settings = provider.settingsForSeal(KmsProvider.SealedKind.ENVELOPE, providerSettings);
        String effectiveKeyId = SafeIds.requireKeyId("key_id", keyId != null ? keyId : provider.defaultKeyId());
        EnvelopeKey kms = provider.envelopeKey(settings);
        byte[] dataKey = new byte[DataCipher.KEY_BYTES];
        byte[] iv = new byte[WrapType.A256GCM.ivBytes()];
        try {
            random.nextBytes(dataKey);
            random.nextBytes(iv);
            byte[] encryptedData = DataCipher.seal(dataKey, iv, plaintext);
            WrappedKey wrapped = kms.encrypt(effectiveKeyId, dataKey);
            return signer.sign(SealedSecretPayload.envelope(
                    provider.name(),
                    effectiveKeyId,
                    StrictBase64.encodeStandard(wrapped.ciphertext()),
                    StrictBase64.encodeStandard(encryptedData),
                    StrictBase64.encodeStandard(iv),
                    settings.toMap(),
                    new LinkedHashMap<>(wrapped.annotations())));
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    private String sealVault(
            KmsProvider provider, String name, Map<String, String> providerSettings, Map<String, String> annotations) {
        if (name == null || name.isEmpty()) {
            throw new CallerFaultException(ErrorCode.INVALID_REQUEST, "field 'name': required for a vault secret");
        }
        Map<String, String> settings = provider.settingsForSeal(KmsProvider.SealedKind.VAULT, providerSettings)
                .toMap();
        Map<String, String> checkedAnnotations = provider.canonicalVaultReference(name, annotations);
        return signer.sign(SealedSecretPayload.vault(provider.name(), name, settings, checkedAnnotations));
    }

    private byte[] readVault(SealedSecret.Vault vault) {
        KmsProvider provider = vault.provider();
        byte[] secret = provider.vault(provider.settings(KmsProvider.SealedKind.VAULT, vault.providerSettings()))
                .getSecret(vault.name(), vault.annotations());
        try {
            limits.check(secret.length);
        } catch (RuntimeException e) {
            Arrays.fill(secret, (byte) 0);
            throw e;
        }
        return secret;
    }

    private byte[] openEnvelope(SealedSecret.Envelope envelope) {
        byte[] dataKey = dataKeys.dataKey(envelope);
        try {
            return DataCipher.open(envelope.wrapType(), dataKey, envelope.iv(), envelope.encryptedData());
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
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
}
