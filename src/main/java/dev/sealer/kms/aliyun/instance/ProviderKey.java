package dev.sealer.kms.aliyun.instance;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;

/**
 * A private key kept as the own key object of whichever provider signs with it. A provider handed another
 * provider's key object converts it at every signature (AWS-LC's does); the first provider can change while the
 * application runs (AWS-LC is installed in the background at start, {@code sealer.crypto-provider=accp}), so the
 * translation is made once per provider, when that provider first signs. Secret: holds the client key.
 */
final class ProviderKey {

    private final PrivateKey original;
    private volatile Translated translated;

    private record Translated(Provider provider, PrivateKey key) {}

    ProviderKey(PrivateKey original) {
        this.original = original;
    }

    /** The key for this provider: its own object when it can translate the key, else the key itself. */
    PrivateKey forProvider(Provider provider) {
        Translated current = translated;
        if (current != null && current.provider() == provider) {
            return current.key();
        }
        PrivateKey key;
        try {
            key = (PrivateKey)
                    KeyFactory.getInstance(original.getAlgorithm(), provider).translateKey(original);
        } catch (GeneralSecurityException | RuntimeException e) {
            key = original;
        }
        translated = new Translated(provider, key);
        return key;
    }

    @Override
    public String toString() {
        return "ProviderKey[" + original.getAlgorithm() + "]";
    }
}
