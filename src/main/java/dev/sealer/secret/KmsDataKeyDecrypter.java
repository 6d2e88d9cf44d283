package dev.sealer.secret;

import dev.sealer.CallerFaultException;
import dev.sealer.ErrorCode;
import dev.sealer.kms.KmsProvider;
import java.util.Arrays;

/** Asks the envelope's provider, with the envelope's provider settings (read here, after a cache miss), to decrypt its data key, and checks it. */
final class KmsDataKeyDecrypter implements DataKeyDecrypter {

    static final KmsDataKeyDecrypter INSTANCE = new KmsDataKeyDecrypter();

    private KmsDataKeyDecrypter() {}

    @Override
    public byte[] dataKey(SealedSecret.Envelope envelope) {
        KmsProvider provider = envelope.provider();
        byte[] dataKey = provider.envelopeKey(
                        provider.settings(KmsProvider.SealedKind.ENVELOPE, envelope.providerSettings()))
                .decrypt(envelope.keyId(), envelope.encryptedKey(), envelope.annotations());
        if (dataKey.length != DataCipher.KEY_BYTES) {
            // the KMS opened what the sealer wrapped: a signed secret whose wrapped key is no AES-256 key
            Arrays.fill(dataKey, (byte) 0);
            throw new CallerFaultException(
                    ErrorCode.MALFORMED_SEALED_SECRET,
                    "field 'encrypted_key': does not hold a " + DataCipher.KEY_BYTES + "-byte data key");
        }
        return dataKey;
    }
}
