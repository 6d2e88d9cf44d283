package dev.sealer.kms.aliyun.instance;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.sealer.SealerException;
import dev.sealer.credentials.CredentialStore;
import dev.sealer.credentials.KmsCredentials;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * One ready {@link KmsInstanceClient} per (KMS instance, client key), built once and reused with its
 * TLS connections: parsing a PKCS#12 and handshaking are the expensive part of a call.
 *
 * <p>Bounded: at most {@code maxClients} pairs are kept (least used first out), and only pairs whose
 * credentials load are kept at all, so ids from requests or sealed secrets cannot grow it.
 *
 * <p>Rotation: at most every {@code checkInterval} (read from an injectable {@link Ticker}) a cached
 * client compares its credential files' stamps with those it was built from, and is rebuilt when they
 * changed. If the new files do not load, the previous client keeps serving (its credentials were valid
 * a moment ago, and the KMS still decides what they may do), the problem is logged once and reported
 * by {@link #problems()} until the files load again or return to those of the client.
 */
public final class KmsInstanceClients implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(KmsInstanceClients.class);

    /** A (KMS instance, client key) pair; ids already validated. */
    public record Key(String instanceId, String clientKeyId) {
        @Override
        public String toString() {
            return "KMS instance " + instanceId + " / client key " + clientKeyId;
        }
    }

    /**
     * A cached client, the credential version it was built from, when that was last checked, and a
     * newer version that failed to load (with the problem), if any.
     */
    private record Entry(
            Object version, KmsInstanceClient client, long checkedAt, Object brokenVersion, String problem) {

        Entry checked(long now) {
            return new Entry(version, client, now, brokenVersion, problem);
        }

        Entry healthy(long now) {
            return new Entry(version, client, now, null, null);
        }

        Entry broken(Object newVersion, String newProblem, long now) {
            return new Entry(version, client, now, newVersion, newProblem);
        }
    }

    private final CredentialStore store;
    private final KmsInstanceClientFactory factory;
    private final Function<String, URI> endpointFor;
    private final long checkIntervalNanos;
    private final Ticker ticker;
    private final Cache<Key, Entry> cache;

    public KmsInstanceClients(
            CredentialStore store,
            KmsInstanceClientFactory factory,
            Function<String, URI> endpointFor,
            Duration checkInterval,
            int maxClients,
            Ticker ticker) {
        this.store = Objects.requireNonNull(store);
        this.factory = factory;
        this.endpointFor = endpointFor;
        this.checkIntervalNanos = checkInterval.toNanos();
        this.ticker = ticker;
        this.cache = Caffeine.newBuilder()
                .maximumSize(maxClients)
                .executor(Runnable::run)
                .removalListener((Key key, Entry entry, RemovalCause cause) -> {
                    if (entry != null && cause.wasEvicted()) {
                        retire(entry.client);
                    }
                })
                .build();
    }

    public CredentialStore store() {
        return store;
    }

    /**
     * The client of a pair, built on first use and re-checked for rotation at most every check interval.
     *
     * @throws SealerException when the pair's credentials do not load (and no client was built before)
     */
    public KmsInstanceClient get(Key key) {
        Entry entry = cache.get(key, this::create);
        if (ticker.read() - entry.checkedAt < checkIntervalNanos) {
            return entry.client;
        }
        return cache.asMap().compute(key, (k, current) -> current == null ? create(k) : recheck(k, current)).client;
    }

    /** Problems with cached clients' credentials, for the readiness check. Empty when all is well. */
    public List<String> problems() {
        return cache.asMap().values().stream()
                .map(Entry::problem)
                .filter(Objects::nonNull)
                .toList();
    }

    /** How many pairs are cached (for tests and metrics). */
    public long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }

    private Entry create(Key key) {
        Object version = store.version(key.instanceId(), key.clientKeyId());
        KmsCredentials credentials = store.load(key.instanceId(), key.clientKeyId());
        return new Entry(
                version, factory.build(credentials, endpointFor.apply(key.instanceId())), ticker.read(), null, null);
    }

    private Entry recheck(Key key, Entry current) {
        long now = ticker.read();
        Object version = store.version(key.instanceId(), key.clientKeyId());
        if (version.equals(current.version)) {
            // unchanged, or a broken rotation rolled back to the very files of the client: nothing to report
            return current.healthy(now);
        }
        if (version.equals(current.brokenVersion)) {
            return current.checked(now);
        }
        try {
            KmsCredentials credentials = store.load(key.instanceId(), key.clientKeyId());
            Entry rebuilt = new Entry(
                    version, factory.build(credentials, endpointFor.apply(key.instanceId())), now, null, null);
            LOG.infof("credentials of %s changed: client rebuilt", key);
            retire(current.client);
            return rebuilt;
        } catch (SealerException e) {
            String problem = "the credentials of a cached KMS client changed but do not load ("
                    + e.errorCode().code() + "); the previous ones still serve";
            LOG.warnf(
                    "credentials of %s changed but do not load: %s; still serving with the previous ones",
                    key, e.logMessage());
            return current.broken(version, problem, now);
        }
    }

    /** Closes a replaced client once the calls that may still use it are over. */
    private void retire(KmsInstanceClient client) {
        long delay = factory.settings().retry().callTimeout().toMillis() + 1000;
        CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS).execute(client::close);
    }

    @Override
    public void close() {
        cache.asMap().values().forEach(entry -> entry.client.close());
        cache.invalidateAll();
    }
}
