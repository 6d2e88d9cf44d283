package dev.sealer.kms;

import java.util.Map;

/**
 * A KMS provider, named as in the sealed secret's {@code provider} field (e.g. {@code aliyun}), and
 * everything the layers above need from it: its typed settings (read once), what a client type can do
 * (an {@link EnvelopeKey}, a vault), the defaults it writes into new sealed secrets, the rules for vault references, a readiness report. Implementations are CDI beans
 * found by the framework; the function layer knows none of them by name.
 *
 * <p>Provider settings and annotations come from requests or from sealed secrets: untrusted input,
 * validated here before anything is looked up with them.
 */
public interface KmsProvider {

    /** The value of the sealed secret's {@code provider} field this provider serves (lower case). */
    String name();

    /**
     * Reads a sealed secret's provider settings as tolerantly as the CDH (members it does not use are
     * ignored); missing values fall back to the provider's configured defaults. No credential is loaded.
     *
     * @param kind what the secret is: a client type that cannot open it is refused here
     * @throws dev.sealer.SealerException with {@code INVALID_ID} or {@code UNSUPPORTED_CLIENT_TYPE}
     */
    ProviderSettings settings(SealedKind kind, Map<String, String> providerSettings);

    /**
     * Validates the provider settings of a seal request strictly (an unknown member is an error) and
     * applies the defaults, without loading any credential: what {@link ProviderSettings#toMap()} then
     * writes into the sealed secret.
     *
     * @param kind what is sealed: some settings serve only one kind (e.g. client types that can only
     *     read vault secrets)
     */
    ProviderSettings settingsForSeal(SealedKind kind, Map<String, String> requested);

    /**
     * The envelope part of the client that settings read for {@link SealedKind#ENVELOPE} select.
     *
     * @throws dev.sealer.SealerException with {@code UNSUPPORTED_CLIENT_TYPE} (settings read for a vault
     *     whose client type has no envelope part), {@code CREDENTIALS_NOT_FOUND}, {@code CREDENTIALS_INVALID}
     *     or {@code NOT_CONFIGURED}
     */
    EnvelopeKey envelopeKey(ProviderSettings settings);

    /**
     * The vault part of the client that settings select: reads secrets stored in the KMS.
     *
     * @throws dev.sealer.SealerException as {@link #envelopeKey}, here or when a secret is read
     */
    SecretGetter vault(ProviderSettings settings);

    /**
     * Checks a vault reference at seal time with the rule that applies when it is opened, so that no
     * sealed secret is signed that can never be opened.
     *
     * @return the annotations to write (validated)
     */
    Map<String, String> canonicalVaultReference(String name, Map<String, String> annotations);

    /** The key id to use when a seal request names none. */
    String defaultKeyId();

    /** A readiness report; never contains paths, ids or secrets (it is served without authentication). */
    ProviderHealth health();

    /**
     * Does ahead of time what the first request with the default settings would pay for (credentials,
     * client, connection). Idempotent: later calls return at once. Failures are reported by
     * {@link #health()}, not thrown.
     */
    default void warmUp() {}

    /** What a sealed secret holds, and so which part of a client it needs. */
    enum SealedKind {
        /** An encrypted data key and the data it encrypts. */
        ENVELOPE,
        /** A pointer to a secret stored in the KMS. */
        VAULT
    }
}
