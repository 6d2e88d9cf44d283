package dev.sealer.kms;

import java.util.Map;

/**
 * A provider's {@code provider_settings}, read once into the provider's own typed form (which client type,
 * which key, which instance or region) by {@link KmsProvider#settings} or {@link KmsProvider#settingsForSeal},
 * and handed back to the same provider for a client. Public values, checked when read.
 */
public interface ProviderSettings {

    /** The settings as written into a sealed secret. */
    Map<String, String> toMap();
}
