package dev.sealer.secret;

import dev.sealer.ErrorCode;
import dev.sealer.ServiceFaultException;
import dev.sealer.kms.EnvelopeKey;
import dev.sealer.kms.KmsProvider;
import dev.sealer.kms.KmsRefusedException;
import dev.sealer.kms.ProviderHealth;
import dev.sealer.kms.ProviderSettings;
import dev.sealer.kms.SecretGetter;
import dev.sealer.kms.WrappedKey;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * A test double of a KMS provider (a dependency of {@link SecretSealer}, not the unit under test):
 * wraps data keys with AES-256-GCM under an in-memory master key per key id and returns the IV as
 * the {@code iv} annotation, as Alibaba's KMS does. Records what it was asked, and keeps a reference
 * to the plaintext arrays it saw and returned, so tests can check they were wiped.
 */
final class InMemoryKms implements KmsProvider, EnvelopeKey, SecretGetter {

    /** A {@code getSecret} call. */
    record SecretCall(String name, Map<String, String> annotations) {}

    private final String name;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, SecretKey> masterKeys = new HashMap<>();
    final Map<String, byte[]> vault = new HashMap<>();
    final List<SecretCall> secretCalls = new ArrayList<>();
    final List<Map<String, String>> clientSettings = new ArrayList<>();
    /** The arrays passed to {@link #encrypt}, by reference. */
    final List<byte[]> encryptedPlaintexts = new ArrayList<>();
    /** The arrays returned by {@link #decrypt}, by reference. */
    final List<byte[]> returnedPlaintexts = new ArrayList<>();
    /** When set, {@link #decrypt} returns a copy of this instead of the real plaintext. */
    byte[] decryptOverride;

    InMemoryKms(String name) {
        this.name = name;
    }

    // ---- KmsProvider ----

    @Override
    public String name() {
        return name;
    }

    /** Its settings: the map as it is. */
    record Settings(Map<String, String> toMap) implements ProviderSettings {}

    @Override
    public ProviderSettings settings(SealedKind kind, Map<String, String> providerSettings) {
        return new Settings(providerSettings);
    }

    @Override
    public ProviderSettings settingsForSeal(SealedKind kind, Map<String, String> providerSettings) {
        Map<String, String> settings = new LinkedHashMap<>(providerSettings == null ? Map.of() : providerSettings);
        settings.putIfAbsent("client_type", "client_key");
        return new Settings(settings);
    }

    @Override
    public EnvelopeKey envelopeKey(ProviderSettings settings) {
        clientSettings.add(Map.copyOf(settings.toMap()));
        return this;
    }

    @Override
    public SecretGetter vault(ProviderSettings settings) {
        clientSettings.add(Map.copyOf(settings.toMap()));
        return this;
    }

    @Override
    public Map<String, String> canonicalVaultReference(String secretName, Map<String, String> annotations) {
        if (secretName.contains(" ")) {
            throw new dev.sealer.CallerFaultException(ErrorCode.INVALID_ID, "field 'name': no spaces in this test KMS");
        }
        return new LinkedHashMap<>(annotations);
    }

    @Override
    public ProviderHealth health() {
        return ProviderHealth.up(Map.of());
    }

    @Override
    public String defaultKeyId() {
        return "key-default";
    }

    // ---- EnvelopeKey, SecretGetter ----

    @Override
    public synchronized WrappedKey encrypt(String keyId, byte[] plaintext) {
        encryptedPlaintexts.add(plaintext);
        byte[] iv = new byte[12];
        random.nextBytes(iv);
        byte[] ciphertext = gcm(Cipher.ENCRYPT_MODE, masterKey(keyId), iv, plaintext);
        return new WrappedKey(ciphertext, Map.of("iv", Base64.getEncoder().encodeToString(iv)));
    }

    @Override
    public synchronized byte[] decrypt(String keyId, byte[] ciphertext, Map<String, String> annotations) {
        byte[] plaintext = gcm(
                Cipher.DECRYPT_MODE, masterKey(keyId), Base64.getDecoder().decode(annotations.get("iv")), ciphertext);
        byte[] result = decryptOverride != null ? decryptOverride.clone() : plaintext;
        returnedPlaintexts.add(result);
        return result;
    }

    @Override
    public synchronized byte[] getSecret(String secretName, Map<String, String> annotations) {
        secretCalls.add(new SecretCall(secretName, Map.copyOf(annotations)));
        byte[] value = vault.get(secretName);
        if (value == null) {
            throw new KmsRefusedException(
                    ErrorCode.KMS_SECRET_NOT_FOUND, "no such secret in the test vault", "NotFound", "req-1", null);
        }
        return value.clone();
    }

    /** Unwraps a data key directly, for tests that build sealed secrets by hand. */
    byte[] unwrap(String keyId, byte[] ciphertext, Map<String, String> annotations) {
        return gcm(
                Cipher.DECRYPT_MODE, masterKey(keyId), Base64.getDecoder().decode(annotations.get("iv")), ciphertext);
    }

    private SecretKey masterKey(String keyId) {
        return masterKeys.computeIfAbsent(keyId, id -> {
            try {
                KeyGenerator generator = KeyGenerator.getInstance("AES");
                generator.init(256);
                return generator.generateKey();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static byte[] gcm(int mode, SecretKey key, byte[] iv, byte[] input) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, key, new GCMParameterSpec(128, iv));
            return cipher.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new ServiceFaultException(
                    ErrorCode.KMS_ERROR, "test KMS cannot " + (mode == Cipher.ENCRYPT_MODE ? "encrypt" : "decrypt"));
        }
    }
}
