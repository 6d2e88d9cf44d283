package dev.sealer.kms;

import java.util.Map;

/**
 * A KMS provider, named as in the sealed secret's {@code provider} field (e.g. {@code aliyun}).
 * It turns the untyped {@code provider_settings} of a sealed secret (untrusted input) into a ready
 * {@link KmsClient}, validating every value before it is used to find credentials.
 */
public interface KmsProvider {

    /** The value of the sealed secret's {@code provider} field this provider serves. */
    String name();

    /**
     * @param providerSettings the sealed secret's {@code provider_settings}; missing values fall back
     *     to the provider's configured defaults
     * @throws dev.sealer.SealerException with {@code INVALID_ID}, {@code UNSUPPORTED_CLIENT_TYPE},
     *     {@code CREDENTIALS_NOT_FOUND} or {@code CREDENTIALS_INVALID}
     */
    KmsClient client(Map<String, String> providerSettings);

    /**
     * Validates {@code provider_settings} (untrusted), applies the defaults and returns the settings
     * to write into a sealed secret, without loading any credential.
     */
    Map<String, String> canonicalSettings(Map<String, String> providerSettings);

    /** The key id to use when a seal request names none. */
    String defaultKeyId();
}
