package dev.sealer.kms.aliyun;

import dev.sealer.SealerException;
import dev.sealer.credentials.CredentialStore;
import dev.sealer.credentials.KmsCredentials;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import dev.sealer.kms.aliyun.proto.DecryptRequest;
import dev.sealer.kms.aliyun.proto.DecryptResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.jboss.logging.Logger;

/**
 * One ready {@link AliyunKmsClient} per (KMS instance, client key), built once and reused with its
 * TLS connections: parsing a PKCS#12 and handshaking are the expensive part of a call.
 *
 * <p>Rotation: at most every {@code credential-check-interval} a cached client compares its
 * credential files' stamps (modification time, size, file identity) with those it was built from,
 * and is rebuilt when they changed. If the new files do not load, the previous client keeps serving
 * (its credentials were valid a moment ago, and the KMS still decides what they may do), the problem
 * is logged once and reported by {@link #problems()} (the readiness check shows it). Only pairs
 * whose credentials load are cached, so untrusted ids cannot grow the cache.
 */
final class AliyunKmsClients implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(AliyunKmsClients.class);

    private record Key(String instanceId, String clientKeyId) {
    }

    private record Entry(Object version, AliyunKmsClient client, long checkedAtNanos, Object brokenVersion, String problem) {
    }

    private final CredentialStore store;
    private final Function<String, URI> endpointFor;
    private final AliyunKmsConfig config;
    private final KmsCallObserver observer;
    private final Clock clock;
    private final Map<Key, Entry> entries = new ConcurrentHashMap<>();
    private final Map<Key, Object> locks = new ConcurrentHashMap<>();

    AliyunKmsClients(CredentialStore store, Function<String, URI> endpointFor, AliyunKmsConfig config,
            KmsCallObserver observer, Clock clock) {
        this.store = store;
        this.endpointFor = endpointFor;
        this.config = config;
        this.observer = observer;
        this.clock = clock;
    }

    CredentialStore store() {
        return store;
    }

    AliyunKmsClient get(AliyunProviderSettings settings) {
        Key key = new Key(settings.kmsInstanceId(), settings.clientKeyId());
        Entry entry = entries.get(key);
        long now = System.nanoTime();
        if (entry != null && now - entry.checkedAtNanos < config.credentialCheckInterval().toNanos()) {
            return entry.client;
        }
        synchronized (locks.computeIfAbsent(key, k -> new Object())) {
            entry = entries.get(key);
            now = System.nanoTime();
            if (entry != null && now - entry.checkedAtNanos < config.credentialCheckInterval().toNanos()) {
                return entry.client;
            }
            Object version = store.version(key.instanceId, key.clientKeyId);
            if (entry != null && version.equals(entry.version)) {
                // back to the files the client was built from (e.g. a broken rotation rolled back): nothing to report
                entries.put(key, new Entry(entry.version, entry.client, now, null, null));
                return entry.client;
            }
            if (entry != null && version.equals(entry.brokenVersion)) {
                entries.put(key, new Entry(entry.version, entry.client, now, entry.brokenVersion, entry.problem));
                return entry.client;
            }
            KmsCredentials credentials;
            try {
                credentials = store.load(key.instanceId, key.clientKeyId);
            } catch (SealerException e) {
                if (entry == null) {
                    throw e;
                }
                String problem = "credentials of KMS instance " + key.instanceId + " / client key " + key.clientKeyId
                        + " changed but do not load (" + e.getMessage() + "); still serving with the previous ones";
                LOG.warn(problem);
                entries.put(key, new Entry(entry.version, entry.client, now, version, problem));
                return entry.client;
            }
            AliyunKmsClient client = build(credentials);
            entries.put(key, new Entry(version, client, now, null, null));
            if (entry != null) {
                LOG.infof("credentials of KMS instance %s / client key %s changed: client rebuilt", key.instanceId, key.clientKeyId);
                retire(entry.client);
            }
            return client;
        }
    }

    /** Problems with cached clients' credentials, for the readiness check. Empty when all is well. */
    List<String> problems() {
        List<String> problems = new ArrayList<>();
        entries.values().forEach(entry -> {
            if (entry.problem != null) {
                problems.add(entry.problem);
            }
        });
        return problems;
    }

    private AliyunKmsClient build(KmsCredentials credentials) {
        URI endpoint = endpointFor.apply(credentials.instanceId());
        KmsTlsConfiguration tls = new KmsTlsConfiguration(credentials);
        KmsInstanceApi api = QuarkusRestClientBuilder.newBuilder()
                .baseUri(endpoint)
                .tlsConfiguration(tls)
                .connectTimeout(config.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(config.readTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .register(new SigningFilter(credentials.clientKey(), clock))
                .register(new ProtobufProvider())
                .register(new KmsErrorMapper())
                .build(KmsInstanceApi.class);
        return new AliyunKmsClient(api, endpoint, credentials.instanceId(), credentials.clientKey().id(),
                config.retry(), config.callTimeout(), observer, () -> warmUp(credentials, tls, endpoint));
    }

    /**
     * Runs once what the first call would pay for, without calling the KMS: a request signature with
     * the client key, the protobuf codecs, and a TLS handshake with the instance (connection closed
     * right after; no HTTP request is sent). A failed handshake is only logged: the call will report it.
     */
    private void warmUp(KmsCredentials credentials, KmsTlsConfiguration tls, URI endpoint) {
        byte[] body = DecryptRequest.newBuilder().setKeyId("warm-up").build().toByteArray();
        RequestSigner.headers("Decrypt", credentials.clientKey().id(), body, clock.instant(), credentials.clientKey().privateKey());
        try {
            DecryptResponse.parseFrom(DecryptResponse.newBuilder().setKeyId("warm-up").build().toByteArray());
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
        int port = endpoint.getPort() > 0 ? endpoint.getPort() : 443;
        try (SSLSocket socket = (SSLSocket) tls.sslContext().getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress(endpoint.getHost(), port), (int) config.connectTimeout().toMillis());
            socket.setSoTimeout((int) config.readTimeout().toMillis());
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.startHandshake();
        } catch (IOException e) {
            LOG.infof("warm-up: TLS handshake with %s failed: %s", endpoint, e.getMessage());
        }
    }

    /** Closes a replaced client once the calls that may still use it are over. */
    private void retire(AliyunKmsClient client) {
        CompletableFuture.delayedExecutor(config.callTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS)
                .execute(client::close);
    }

    @Override
    public void close() {
        entries.values().forEach(entry -> entry.client.close());
        entries.clear();
    }
}
