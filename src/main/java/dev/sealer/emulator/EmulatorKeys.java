package dev.sealer.emulator;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The emulated instance's symmetric keys. A ciphertext blob is {@code handle(16) || AES-GCM(ct||tag)}
 * with {@code handle || aad} as GCM associated data; the handle identifies the key, so a blob
 * presented with another key id, the wrong IV or altered bytes is refused rather than mis-decrypted.
 */
final class EmulatorKeys {

    static final int IV_BYTES = 12;
    private static final int HANDLE_BYTES = 16;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Why a decryption was refused; mapped to the service's error answers. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    private record Key(SecretKeySpec material, byte[] handle) {}

    private final Map<String, Key> keys;

    EmulatorKeys(Map<String, EmulatorState.KeyMaterial> materials) {
        this.keys = new java.util.HashMap<>();
        materials.forEach((name, material) -> keys.put(
                name,
                new Key(
                        new SecretKeySpec(Base64.getDecoder().decode(material.material()), "AES"),
                        Base64.getDecoder().decode(material.handle()))));
    }

    boolean exists(String keyId) {
        return keys.containsKey(keyId);
    }

    static byte[] randomIv() {
        byte[] iv = new byte[IV_BYTES];
        RANDOM.nextBytes(iv);
        return iv;
    }

    byte[] encrypt(String keyId, byte[] plaintext, byte[] iv, byte[] aad) {
        Key key = keys.get(keyId);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key.material, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(key.handle);
            cipher.updateAAD(aad);
            byte[] sealed = cipher.doFinal(plaintext);
            byte[] blob = Arrays.copyOf(key.handle, HANDLE_BYTES + sealed.length);
            System.arraycopy(sealed, 0, blob, HANDLE_BYTES, sealed.length);
            return blob;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    byte[] decrypt(String keyId, byte[] blob, byte[] iv, byte[] aad) throws Refused {
        Key key = keys.get(keyId);
        if (blob.length < HANDLE_BYTES + TAG_BITS / 8) {
            throw new Refused("The CiphertextBlob is too short");
        }
        if (!MessageDigest.isEqual(Arrays.copyOf(blob, HANDLE_BYTES), key.handle)) {
            throw new Refused("The CiphertextBlob was not encrypted by the key " + keyId);
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key.material, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(key.handle);
            cipher.updateAAD(aad);
            return cipher.doFinal(blob, HANDLE_BYTES, blob.length - HANDLE_BYTES);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new Refused("The CiphertextBlob does not decrypt with this key, IV and Aad");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
