package dev.sealer.secret;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An opt-in, bounded cache of data keys that the KMS has decrypted, so that repeated unseals of the
 * same sealed secret skip the KMS round trip (like the AWS Encryption SDK's caching materials
 * manager). Bounded by age (from an injectable {@link Ticker}), by uses and by entries (Caffeine's
 * eviction). Every data key that leaves the cache, for whatever reason, is zeroed.
 *
 * <p>Secret: it holds data keys in memory for up to {@code maxAge}; that is the price of the speed,
 * and why it is off by default. Entries are keyed by a SHA-256 over everything the KMS decryption
 * depends on (provider, provider settings, key id, encrypted key, annotations), each value
 * length-prefixed so that no two inputs share a key, and only ever filled from sealed secrets whose
 * signature verified.
 */
public final class DataKeyCache {

    /** The bounds of the cache. */
    public record Limits(Duration maxAge, int maxUses, int maxEntries) {
        public Limits {
            if (maxAge.isNegative() || maxAge.isZero() || maxUses < 1 || maxEntries < 1) {
                throw new IllegalArgumentException("data-key cache limits must be positive");
            }
        }
    }

    private record Entry(byte[] dataKey, AtomicInteger uses) {}

    private final Limits limits;
    private final Cache<String, Entry> entries;

    public DataKeyCache(Limits limits, Ticker ticker) {
        this.limits = limits;
        this.entries = Caffeine.newBuilder()
                .maximumSize(limits.maxEntries())
                .expireAfterWrite(limits.maxAge())
                .ticker(ticker)
                .executor(Runnable::run)
                .removalListener((String key, Entry entry, RemovalCause cause) -> {
                    if (entry != null) {
                        Arrays.fill(entry.dataKey, (byte) 0);
                    }
                })
                .build();
    }

    /** The cache key of a KMS decryption: a digest of everything its result depends on. */
    static String keyOf(
            String provider,
            Map<String, String> settings,
            String keyId,
            byte[] encryptedKey,
            Map<String, String> annotations) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            update(digest, provider);
            updateMap(digest, settings);
            update(digest, keyId);
            update(digest, encryptedKey);
            updateMap(digest, annotations);
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void updateMap(MessageDigest digest, Map<String, String> map) {
        TreeMap<String, String> sorted = new TreeMap<>();
        map.forEach((name, value) -> sorted.put(name, value == null ? "\u0000null" : value));
        update(digest, String.valueOf(sorted.size()));
        sorted.forEach((name, value) -> {
            update(digest, name);
            update(digest, value);
        });
    }

    private static void update(MessageDigest digest, String value) {
        update(digest, value.getBytes(StandardCharsets.UTF_8));
    }

    /** Length-prefixed, so that concatenations of different values never collide. */
    private static void update(MessageDigest digest, byte[] value) {
        digest.update(new byte[] {
            (byte) (value.length >>> 24), (byte) (value.length >>> 16), (byte) (value.length >>> 8), (byte) value.length
        });
        digest.update(value);
    }

    /** A copy of the cached data key (the caller wipes it), or null. Counts one use. */
    byte[] get(String key) {
        Entry entry = entries.getIfPresent(key);
        if (entry == null) {
            return null;
        }
        if (entry.uses.incrementAndGet() > limits.maxUses()) {
            entries.asMap().remove(key, entry);
            return null;
        }
        byte[] copy = entry.dataKey.clone();
        // a removal (and zeroing) may have raced with the copy: never hand out a wiped key
        if (entries.asMap().get(key) != entry) {
            Arrays.fill(copy, (byte) 0);
            return null;
        }
        return copy;
    }

    /** Keeps a copy of {@code dataKey}. */
    void put(String key, byte[] dataKey) {
        entries.put(key, new Entry(dataKey.clone(), new AtomicInteger()));
    }

    /** The array the cache holds for a key, by reference, so that tests can see it zeroed. */
    byte[] storedArray(String key) {
        Entry entry = entries.asMap().get(key);
        return entry == null ? null : entry.dataKey;
    }

    long size() {
        entries.cleanUp();
        return entries.estimatedSize();
    }

    /** Zeroes and drops every entry. */
    public void clear() {
        entries.invalidateAll();
        entries.cleanUp();
    }
}
