package dev.sealer.secret;

/**
 * Opens the data key of a verified envelope secret: straight from the KMS ({@link #fromKms()}), or through an
 * opt-in cache in front of it ({@link #cached}), as the AWS Encryption SDK's caching materials manager wraps the
 * default one. The key returned is secret and the caller's to wipe; it is always {@value DataCipher#KEY_BYTES}
 * bytes long.
 */
public interface DataKeyDecrypter {

    /**
     * @throws dev.sealer.CallerFaultException {@code MALFORMED_SEALED_SECRET} when the KMS opens the wrapped key
     *     to anything but a {@value DataCipher#KEY_BYTES}-byte key; the provider's failures as they are
     */
    byte[] dataKey(SealedSecret.Envelope envelope);

    /** Every data key from the KMS; nothing kept (the default). */
    static DataKeyDecrypter fromKms() {
        return KmsDataKeyDecrypter.INSTANCE;
    }

    /** The KMS behind {@code cache}: a data key the cache holds is not asked for again. */
    static DataKeyDecrypter cached(DataKeyCache cache) {
        return new CachingDataKeyDecrypter(fromKms(), cache);
    }
}
