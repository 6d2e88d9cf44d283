package dev.sealer.secret;

import dev.sealer.CallerFaultException;
import dev.sealer.ErrorCode;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The data cipher of an envelope, as the CDH uses it: AES-256-GCM with a 12-byte IV, the 128-bit tag appended
 * and no AAD (sealed and opened), and AES-256-CTR (opened only). Secret: the key and the plaintext; the caller
 * owns and wipes both. A GCM tag that does not verify is {@code DECRYPTION_FAILED}; nothing else is said.
 */
final class DataCipher {

    static final int KEY_BYTES = 32;
    private static final int GCM_TAG_BITS = 128;

    private DataCipher() {}

    /** AES-256-GCM encryption (the only way this service seals). */
    static byte[] seal(byte[] key, byte[] iv, byte[] plaintext) {
        return gcm(Cipher.ENCRYPT_MODE, key, iv, plaintext);
    }

    /** Decrypts data of {@code type}; the IV's length was checked by the caller. */
    static byte[] open(WrapType type, byte[] key, byte[] iv, byte[] data) {
        return switch (type) {
            case A256GCM -> gcm(Cipher.DECRYPT_MODE, key, iv, data);
            case A256CTR -> ctr(key, iv, data);
        };
    }

    private static byte[] gcm(int mode, byte[] key, byte[] iv, byte[] input) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(GCM_TAG_BITS, iv));
            return cipher.doFinal(input);
        } catch (AEADBadTagException e) {
            throw new CallerFaultException(
                    ErrorCode.DECRYPTION_FAILED,
                    "field 'encrypted_data': does not decrypt with the data key (tampered or corrupt)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    /** AES-256-CTR, read for compatibility with older CDH tools (no integrity beyond the signature). */
    private static byte[] ctr(byte[] key, byte[] iv, byte[] input) {
        try {
            Cipher cipher = Cipher.getInstance("AES/CTR/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
            return cipher.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CTR is unavailable", e);
        }
    }
}
