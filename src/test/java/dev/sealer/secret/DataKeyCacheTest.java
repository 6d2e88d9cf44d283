package dev.sealer.secret;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sealer.kms.KmsProviders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The opt-in data-key cache: hits skip the KMS, and age, uses and entries bound it. */
class DataKeyCacheTest {

    private static final String KID = "cache-test";

    @TempDir
    Path keyDirectory;

    private InMemoryKms kms;
    private SigningKey signingKey;

    @BeforeEach
    void setUp() throws IOException {
        kms = new InMemoryKms("aliyun");
        signingKey = SigningKey.generate(KID);
        Files.writeString(keyDirectory.resolve(KID), signingKey.publicJwk());
    }

    private SecretSealer sealer(DataKeyCache.Limits limits) {
        return new SecretSealer(new KmsProviders(List.of(kms)), signingKey, new DirectoryVerificationKeys(keyDirectory),
                new SecretSealer.Options(1024, false, limits), new SecureRandom());
    }

    private String seal(SecretSealer sealer, String text) {
        return sealer.sealEnvelope(text.getBytes(StandardCharsets.UTF_8), "aliyun", "key-1", Map.of());
    }

    @Test
    void unseal_withoutCache_callsTheKmsEveryTime() {
        SecretSealer sealer = sealer(null);
        String sealed = seal(sealer, "x");
        for (int i = 0; i < 3; i++) {
            sealer.unseal(sealed);
        }
        assertThat(kms.returnedPlaintexts).hasSize(3);
    }

    @Test
    void unseal_withCache_callsTheKmsOncePerSecret() {
        SecretSealer sealer = sealer(new DataKeyCache.Limits(Duration.ofMinutes(1), 100, 10));
        String first = seal(sealer, "first");
        String second = seal(sealer, "second");
        for (int i = 0; i < 5; i++) {
            assertThat(new String(sealer.unseal(first), StandardCharsets.UTF_8)).isEqualTo("first");
            assertThat(new String(sealer.unseal(second), StandardCharsets.UTF_8)).isEqualTo("second");
        }
        assertThat(kms.returnedPlaintexts).hasSize(2);
    }

    @Test
    void cachedKey_expiresAfterMaxUses() {
        SecretSealer sealer = sealer(new DataKeyCache.Limits(Duration.ofMinutes(1), 2, 10));
        String sealed = seal(sealer, "x");
        for (int i = 0; i < 4; i++) {
            sealer.unseal(sealed);
        }
        // miss, hit, hit, then the entry is used up: miss again
        assertThat(kms.returnedPlaintexts).hasSize(2);
    }

    @Test
    void cachedKey_expiresAfterMaxAge() throws InterruptedException {
        SecretSealer sealer = sealer(new DataKeyCache.Limits(Duration.ofMillis(30), 100, 10));
        String sealed = seal(sealer, "x");
        sealer.unseal(sealed);
        sealer.unseal(sealed);
        Thread.sleep(60);
        sealer.unseal(sealed);
        assertThat(kms.returnedPlaintexts).hasSize(2);
    }

    @Test
    void cache_keepsAtMostMaxEntries_andZeroesWhatItDrops() {
        DataKeyCache cache = new DataKeyCache(new DataKeyCache.Limits(Duration.ofMinutes(1), 100, 2));
        byte[] key = {1, 2, 3};
        cache.put("a", key);
        cache.put("b", key);
        cache.put("c", key);
        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.get("a")).isNull();
        assertThat(cache.get("c")).containsExactly(1, 2, 3);
        assertThat(key).as("the cache keeps its own copy").containsExactly(1, 2, 3);
        cache.clear();
        assertThat(cache.size()).isZero();
    }

    @Test
    void cacheKey_dependsOnEverythingTheDecryptionDependsOn() {
        String base = DataKeyCache.keyOf("aliyun", Map.of("a", "1"), "k", new byte[] {1}, Map.of("iv", "x"));
        assertThat(DataKeyCache.keyOf("aliyun", Map.of("a", "1"), "k", new byte[] {1}, Map.of("iv", "x"))).isEqualTo(base);
        assertThat(DataKeyCache.keyOf("other", Map.of("a", "1"), "k", new byte[] {1}, Map.of("iv", "x"))).isNotEqualTo(base);
        assertThat(DataKeyCache.keyOf("aliyun", Map.of("a", "2"), "k", new byte[] {1}, Map.of("iv", "x"))).isNotEqualTo(base);
        assertThat(DataKeyCache.keyOf("aliyun", Map.of("a", "1"), "j", new byte[] {1}, Map.of("iv", "x"))).isNotEqualTo(base);
        assertThat(DataKeyCache.keyOf("aliyun", Map.of("a", "1"), "k", new byte[] {2}, Map.of("iv", "x"))).isNotEqualTo(base);
        assertThat(DataKeyCache.keyOf("aliyun", Map.of("a", "1"), "k", new byte[] {1}, Map.of("iv", "y"))).isNotEqualTo(base);
    }
}
