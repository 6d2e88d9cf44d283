package dev.sealer.secret;

import java.util.Objects;

/**
 * A {@link DataKeyDecrypter} with a {@link DataKeyCache} in front: a hit returns a copy of the cached key without
 * asking the provider (nor reading its settings: the entry was made from the very same, signed, settings); a
 * miss asks the wrapped decrypter and keeps a copy. Only verified envelopes reach it.
 */
final class CachingDataKeyDecrypter implements DataKeyDecrypter {

    private final DataKeyDecrypter kms;
    private final DataKeyCache cache;

    CachingDataKeyDecrypter(DataKeyDecrypter kms, DataKeyCache cache) {
        this.kms = Objects.requireNonNull(kms);
        this.cache = Objects.requireNonNull(cache);
    }

    @Override
    public byte[] dataKey(SealedSecret.Envelope envelope) {
        String key = DataKeyCache.keyOf(
                envelope.provider().name(),
                envelope.providerSettings(),
                envelope.keyId(),
                envelope.encryptedKey(),
                envelope.annotations());
        byte[] cached = cache.get(key);
        if (cached != null) {
            return cached;
        }
        byte[] dataKey = kms.dataKey(envelope);
        cache.put(key, dataKey);
        return dataKey;
    }
}
