package dev.sealer.secret;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * An opt-in, bounded cache of data keys that the KMS has decrypted, so that repeated unseals of the
 * same sealed secret skip the KMS round trip (like the AWS Encryption SDK's caching materials
 * manager). Bounded by age, by uses and by entries; least recently used entries go first. Every
 * evicted or expired data key is zeroed.
 *
 * <p>Secret: it holds data keys in memory for up to {@code maxAge}; that is the price of the speed,
 * and why it is off by default. Entries are keyed by a SHA-256 over everything the KMS decryption
 * depends on (provider, provider settings, key id, encrypted key, annotations), and only ever
 * filled from sealed secrets whose signature verified.
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

    private static final class Entry {
        final byte[] dataKey;
        final long expiresAtNanos;
        int uses;

        Entry(byte[] dataKey, long expiresAtNanos) {
            this.dataKey = dataKey;
            this.expiresAtNanos = expiresAtNanos;
        }
    }

    private final Limits limits;
    private final LinkedHashMap<String, Entry> entries;

    public DataKeyCache(Limits limits) {
        this.limits = limits;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                if (size() > DataKeyCache.this.limits.maxEntries()) {
                    Arrays.fill(eldest.getValue().dataKey, (byte) 0);
                    return true;
                }
                return false;
            }
        };
    }

    /** The cache key of a KMS decryption: a digest of everything its result depends on. */
    static String keyOf(String provider, Map<String, String> settings, String keyId, byte[] encryptedKey,
            Map<String, String> annotations) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            update(digest, provider);
            new TreeMap<>(settings).forEach((name, value) -> update(digest, name + "=" + value));
            update(digest, keyId);
            digest.update(encryptedKey);
            digest.update((byte) 0);
            new TreeMap<>(annotations).forEach((name, value) -> update(digest, name + "=" + value));
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void update(MessageDigest digest, String value) {
        digest.update(value.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
    }

    /** A copy of the cached data key (the caller wipes it), or null. Counts one use. */
    synchronized byte[] get(String key) {
        Entry entry = entries.get(key);
        if (entry == null) {
            return null;
        }
        if (System.nanoTime() - entry.expiresAtNanos >= 0 || entry.uses >= limits.maxUses()) {
            remove(key);
            return null;
        }
        entry.uses++;
        return entry.dataKey.clone();
    }

    /** Keeps a copy of {@code dataKey}. */
    synchronized void put(String key, byte[] dataKey) {
        Entry previous = entries.put(key, new Entry(dataKey.clone(), System.nanoTime() + limits.maxAge().toNanos()));
        if (previous != null) {
            Arrays.fill(previous.dataKey, (byte) 0);
        }
    }

    synchronized int size() {
        return entries.size();
    }

    /** Zeroes and drops every entry. */
    public synchronized void clear() {
        entries.values().forEach(entry -> Arrays.fill(entry.dataKey, (byte) 0));
        entries.clear();
    }

    private void remove(String key) {
        Entry entry = entries.remove(key);
        if (entry != null) {
            Arrays.fill(entry.dataKey, (byte) 0);
        }
    }
}
