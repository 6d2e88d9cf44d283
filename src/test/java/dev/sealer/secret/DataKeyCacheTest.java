package dev.sealer.secret;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sealer.kms.KmsProviders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The opt-in data-key cache: hits skip the KMS, and age (on a steered ticker), uses and entries bound
 * it; every key it lets go is zeroed.
 */
class DataKeyCacheTest {

    private static final String KID = "cache-test";

    @TempDir
    Path keyDirectory;

    private InMemoryKms kms;
    private SigningKey signingKey;
    private final AtomicLong now = new AtomicLong();

    @BeforeEach
    void setUp() throws IOException {
        kms = new InMemoryKms("aliyun");
        signingKey = SigningKey.generate(KID);
        Files.writeString(keyDirectory.resolve(KID), signingKey.publicJwk());
    }

    private SecretSealer sealer(DataKeyCache.Limits limits) {
        return new SecretSealer(
                new KmsProviders(List.of(kms)),
                Signer.with(signingKey),
                KidResolver.files(keyDirectory),
                new SecretSealer.Options(new SecretLimits(1024), false, false),
                limits == null
                        ? DataKeyDecrypter.fromKms()
                        : DataKeyDecrypter.cached(new DataKeyCache(limits, now::get)),
                new SecureRandom());
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
            assertThat(new String(sealer.unseal(second), StandardCharsets.UTF_8))
                    .isEqualTo("second");
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
    void cachedKey_expiresAfterMaxAge() {
        SecretSealer sealer = sealer(new DataKeyCache.Limits(Duration.ofMinutes(5), 100, 10));
        String sealed = seal(sealer, "x");
        sealer.unseal(sealed);
        now.addAndGet(Duration.ofMinutes(5).toNanos() - 1);
        sealer.unseal(sealed);
        assertThat(kms.returnedPlaintexts)
                .as("still fresh a nanosecond before its age")
                .hasSize(1);
        now.addAndGet(1);
        sealer.unseal(sealed);
        assertThat(kms.returnedPlaintexts)
                .as("expired at its age: the KMS again")
                .hasSize(2);
    }

    @Test
    void cache_keepsAtMostMaxEntries_andZeroesWhatItDrops() {
        DataKeyCache cache = new DataKeyCache(new DataKeyCache.Limits(Duration.ofMinutes(1), 100, 2), now::get);
        byte[] key = {1, 2, 3};
        List<byte[]> stored = new ArrayList<>();
        for (String name : List.of("a", "b", "c", "d", "e")) {
            cache.put(name, key);
            stored.add(cache.storedArray(name));
        }

        assertThat(cache.size()).isEqualTo(2);
        long zeroed = stored.stream()
                .filter(array -> Arrays.equals(array, new byte[3]))
                .count();
        assertThat(zeroed).as("every evicted key was zeroed").isEqualTo(3);
        assertThat(key).as("the cache keeps its own copy").containsExactly(1, 2, 3);
    }

    @Test
    void cache_zeroesExpiredUsedUpAndClearedKeys() {
        DataKeyCache cache = new DataKeyCache(new DataKeyCache.Limits(Duration.ofMinutes(1), 1, 10), now::get);
        cache.put("used-up", new byte[] {7});
        cache.put("expires", new byte[] {8});
        cache.put("cleared", new byte[] {9});
        byte[] usedUp = cache.storedArray("used-up");
        byte[] expires = cache.storedArray("expires");
        byte[] cleared = cache.storedArray("cleared");

        assertThat(cache.get("used-up")).containsExactly(7);
        assertThat(cache.get("used-up")).isNull();
        now.addAndGet(Duration.ofMinutes(1).toNanos());
        assertThat(cache.get("expires")).isNull();
        cache.clear();

        assertThat(usedUp).containsOnly(0);
        assertThat(expires).containsOnly(0);
        assertThat(cleared).containsOnly(0);
        assertThat(cache.size()).isZero();
    }

    @Test
    void cacheKey_isUnambiguous_whenValuesContainTheSeparators() {
        assertThat(DataKeyCache.keyOf("p", Map.of("a", "b=c"), "k", new byte[] {1}, Map.of()))
                .isNotEqualTo(DataKeyCache.keyOf("p", Map.of("a=b", "c"), "k", new byte[] {1}, Map.of()));
        assertThat(DataKeyCache.keyOf("p", Map.of("a", "b\u0000c"), "k", new byte[] {1}, Map.of()))
                .isNotEqualTo(DataKeyCache.keyOf("p", Map.of("a", "b", "c", ""), "k", new byte[] {1}, Map.of()));
    }

    @Test
    void cacheKey_dependsOnEverythingTheDecryptionDependsOn() {
        String base = DataKeyCache.keyOf("aliyun", Map.of("a", "1"), "k", new byte[] {1}, Map.of("iv", "x"));
        assertThat(DataKeyCache.keyOf("aliyun", Map.of("a", "1"), "k", new byte[] {1}, Map.of("iv", "x")))
                .isEqualTo(base);
        assertThat(DataKeyCache.keyOf("other", Map.of("a", "1"), "k", new byte[] {1}, Map.of("iv", "x")))
                .isNotEqualTo(base);
        assertThat(DataKeyCache.keyOf("aliyun", Map.of("a", "2"), "k", new byte[] {1}, Map.of("iv", "x")))
                .isNotEqualTo(base);
        assertThat(DataKeyCache.keyOf("aliyun", Map.of("a", "1"), "j", new byte[] {1}, Map.of("iv", "x")))
                .isNotEqualTo(base);
        assertThat(DataKeyCache.keyOf("aliyun", Map.of("a", "1"), "k", new byte[] {2}, Map.of("iv", "x")))
                .isNotEqualTo(base);
        assertThat(DataKeyCache.keyOf("aliyun", Map.of("a", "1"), "k", new byte[] {1}, Map.of("iv", "y")))
                .isNotEqualTo(base);
    }
}
