package dev.sealer.kms;

import dev.sealer.ErrorCode;
import dev.sealer.SealerException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The explicit list of KMS providers this build supports (today one: {@code aliyun}). An unknown
 * provider name is a typed error; nothing is looked up on the class path.
 */
public final class KmsProviders {

    private final Map<String, KmsProvider> byName = new LinkedHashMap<>();

    public KmsProviders(List<KmsProvider> providers) {
        for (KmsProvider provider : providers) {
            if (byName.putIfAbsent(provider.name(), provider) != null) {
                throw new IllegalArgumentException("two KMS providers named " + provider.name());
            }
        }
    }

    /** @throws SealerException {@code UNSUPPORTED_PROVIDER} naming the field and the supported values */
    public KmsProvider get(String name) {
        KmsProvider provider = name == null ? null : byName.get(name);
        if (provider == null) {
            throw new SealerException(ErrorCode.UNSUPPORTED_PROVIDER,
                    "field 'provider': unsupported KMS provider, supported: " + String.join(", ", byName.keySet()));
        }
        return provider;
    }
}
