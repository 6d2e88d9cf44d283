package dev.sealer.kms;

import dev.sealer.CallerFaultException;
import dev.sealer.ErrorCode;
import dev.sealer.Texts;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The providers this build supports, by name. An unknown provider name is a typed error naming the
 * provider; nothing is looked up on the class path. Names are compared case-insensitively, like the
 * CDH does.
 */
public final class KmsProviders {

    private final Map<String, KmsProvider> byName = new LinkedHashMap<>();

    public KmsProviders(Collection<? extends KmsProvider> providers) {
        for (KmsProvider provider : providers) {
            if (byName.putIfAbsent(provider.name().toLowerCase(Locale.ROOT), provider) != null) {
                throw new IllegalArgumentException("two KMS providers named " + provider.name());
            }
        }
    }

    /** @throws CallerFaultException {@code UNSUPPORTED_PROVIDER} naming the provider and the supported ones */
    public KmsProvider get(String name) {
        KmsProvider provider = name == null ? null : byName.get(name.toLowerCase(Locale.ROOT));
        if (provider == null) {
            throw new CallerFaultException(
                    ErrorCode.UNSUPPORTED_PROVIDER,
                    "field 'provider': "
                            + (name == null ? "missing" : "'" + printable(name) + "' is not supported by this service")
                            + "; supported: " + String.join(", ", byName.keySet()));
        }
        return provider;
    }

    public Collection<KmsProvider> all() {
        return byName.values();
    }

    private static String printable(String name) {
        return Texts.printable(name, 32);
    }
}
