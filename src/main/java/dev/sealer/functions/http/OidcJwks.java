package dev.sealer.functions.http;

import dev.sealer.ErrorCode;
import dev.sealer.FileStamp;
import dev.sealer.OutboundHttp;
import dev.sealer.ServiceFaultException;
import dev.sealer.functions.runtime.SealerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.jboss.logging.Logger;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.lang.JoseException;

/**
 * The issuer's keys for {@link EventingOidc}, from exactly one of {@code sealer.auth.oidc.jwks} (a value),
 * {@code jwks-file} (re-read when its stamp changes; the keys read before stay in use while it is
 * unreadable) or {@code jwks-url}. A URL is fetched asynchronously on a thread of its own, never on the
 * caller's: one fetch at a time (callers arriving meanwhile share it), the exchange bounded as a whole by
 * {@code jwks-timeout} and to 256 KiB ({@link OutboundHttp}), no redirects, trusting only
 * {@code jwks-url-ca-file} when set, with {@code jwks-url-token-file}'s token as a bearer token (re-read
 * at each fetch); fetched again after {@code jwks-refresh} in the background, and early at most once per
 * {@code jwks-min-refresh}. A failed fetch keeps the keys in use. jose4j's {@code HttpsJwks} is not used:
 * README "Project layout" says why.
 */
final class OidcJwks {

    private static final Logger LOG = Logger.getLogger(OidcJwks.class);
    /** A cluster's JWKS holds a few keys (a few KB); far larger answers are not read. */
    private static final int MAX_JWKS_BYTES = 256 * 1024;

    /** The keys in use, with where they came from: the file's stamp, or when they were fetched. */
    record Keys(List<JsonWebKey> keys, String fileStamp, long fetchedAtNanos) {}

    private final SealerConfig.Oidc oidc;
    private final AtomicReference<Keys> keys = new AtomicReference<>();
    private final AtomicReference<CompletableFuture<Keys>> fetching = new AtomicReference<>();
    private volatile long lastFetchStartNanos;
    private HttpClient client;
    private ExecutorService fetchExecutor;

    private OidcJwks(SealerConfig.Oidc oidc) {
        this.oidc = oidc;
    }

    /**
     * Loads the keys of the one configured source (a URL: its first fetch starts in the background).
     *
     * @throws ServiceFaultException {@code not_configured} when the value or file is not a JWKS, or the URL not http(s)
     */
    static OidcJwks start(SealerConfig.Oidc oidc) {
        OidcJwks jwks = new OidcJwks(oidc);
        jwks.load();
        return jwks;
    }

    private void load() {
        if (oidc.jwks().isPresent()) {
            keys.set(new Keys(parse(oidc.jwks().get(), "sealer.auth.oidc.jwks"), null, 0));
        } else if (oidc.jwksFile().isPresent()) {
            Keys loaded = loadFile(oidc.jwksFile().get());
            if (loaded == null) {
                throw refused("sealer.auth.oidc.jwks-file names a file that is missing, unreadable or not a JWKS");
            }
            keys.set(loaded);
        } else {
            URI url = oidc.jwksUrl().get();
            if (!"https".equals(url.getScheme()) && !"http".equals(url.getScheme())) {
                throw refused("sealer.auth.oidc.jwks-url must be an http(s) URL");
            }
            client = httpClient();
            refresh();
        }
    }

    /** True when the keys come from a URL (an unknown key may be worth a fetch). */
    boolean fromUrl() {
        return client != null;
    }

    /** True while a fetch is under way. */
    boolean fetching() {
        return fetching.get() != null;
    }

    /** The keys in use: a file's re-read when it changed; null while a URL has not answered. */
    Keys current() {
        Optional<Path> file = oidc.jwksFile();
        if (file.isEmpty()) {
            return keys.get();
        }
        Keys current = keys.get();
        if (current != null && current.fileStamp().equals(FileStamp.of(file.get()))) {
            return current;
        }
        Keys loaded = loadFile(file.get());
        if (loaded == null) {
            // unreadable now: keep using the keys read before (logged once per change)
            return current;
        }
        keys.set(loaded);
        return loaded;
    }

    private Keys loadFile(Path file) {
        String stamp = FileStamp.of(file);
        try {
            return new Keys(
                    parse(Files.readString(file, StandardCharsets.UTF_8), "sealer.auth.oidc.jwks-file"), stamp, 0);
        } catch (IOException | ServiceFaultException e) {
            LOG.warnf("the OIDC JWKS file cannot be used: %s", e.getMessage());
            return null;
        }
    }

    /** True when {@code jwks-min-refresh} has passed since the last fetch started. */
    boolean mayFetchAgain() {
        return System.nanoTime() - lastFetchStartNanos >= oidc.jwksMinRefresh().toNanos();
    }

    /** One fetch at a time; callers that arrive during a fetch share it. Completes with null on failure. */
    CompletableFuture<Keys> refresh() {
        CompletableFuture<Keys> running = fetching.get();
        if (running != null) {
            return running;
        }
        CompletableFuture<Keys> mine = new CompletableFuture<>();
        if (!fetching.compareAndSet(null, mine)) {
            return fetching.get();
        }
        lastFetchStartNanos = System.nanoTime();
        HttpRequest.Builder request = HttpRequest.newBuilder(oidc.jwksUrl().get())
                .timeout(oidc.jwksTimeout())
                .header("accept", "application/json");
        try {
            if (oidc.jwksUrlTokenFile().isPresent()) {
                request.header(
                        "authorization",
                        "Bearer "
                                + Files.readString(oidc.jwksUrlTokenFile().get(), StandardCharsets.UTF_8)
                                        .trim());
            }
        } catch (IOException e) {
            LOG.warn("the OIDC JWKS request token file cannot be read; fetching without it");
        }
        // the timeout bounds the whole exchange, body included: a URL that stalls mid-answer ends this fetch
        // at its deadline, and the next one may start (requests waiting for keys are answered by then)
        OutboundHttp.send(client, request.build(), OutboundHttp.atMost(MAX_JWKS_BYTES), oidc.jwksTimeout())
                .handle((response, failure) -> {
                    Keys fetched = null;
                    if (failure != null) {
                        LOG.warnf(
                                "the OIDC JWKS could not be fetched: %s",
                                OutboundHttp.passedDeadline(failure)
                                        ? "no complete answer within "
                                                + oidc.jwksTimeout().toMillis() + " ms"
                                        : OutboundHttp.cause(failure).getClass().getSimpleName());
                    } else if (response.statusCode() != 200) {
                        LOG.warnf("the OIDC JWKS could not be fetched: HTTP %d", response.statusCode());
                    } else {
                        try {
                            fetched = new Keys(
                                    parse(new String(response.body(), StandardCharsets.UTF_8), "the JWKS URL's answer"),
                                    null,
                                    System.nanoTime());
                            keys.set(fetched);
                        } catch (ServiceFaultException e) {
                            LOG.warn(e.getMessage());
                        }
                    }
                    fetching.set(null);
                    mine.complete(fetched);
                    return null;
                });
        return mine;
    }

    /** Keys fetched from the URL are fetched again after jwks-refresh, in the background (they stay in use meanwhile). */
    void refreshIfStale(Keys current) {
        if (client != null
                && System.nanoTime() - current.fetchedAtNanos()
                        >= oidc.jwksRefresh().toNanos()
                && mayFetchAgain()) {
            refresh();
        }
    }

    private HttpClient httpClient() {
        fetchExecutor = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "sealer-oidc-jwks");
            thread.setDaemon(true);
            return thread;
        });
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(oidc.jwksTimeout())
                .executor(fetchExecutor)
                .followRedirects(HttpClient.Redirect.NEVER);
        if (oidc.jwksUrlCaFile().isPresent()) {
            builder.sslContext(trusting(oidc.jwksUrlCaFile().get()));
        }
        return builder.build();
    }

    /** Stops the fetch thread (a URL's). */
    void stop() {
        if (fetchExecutor != null) {
            fetchExecutor.shutdownNow();
        }
    }

    private static SSLContext trusting(Path caFile) {
        try (InputStream in = Files.newInputStream(caFile)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (Certificate certificate :
                    CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + i++, certificate);
            }
            if (i == 0) {
                throw refused("sealer.auth.oidc.jwks-url-ca-file holds no certificate");
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new ServiceFaultException(
                    ErrorCode.NOT_CONFIGURED, "sealer.auth.oidc.jwks-url-ca-file cannot be used", caFile.toString(), e);
        }
    }

    private static List<JsonWebKey> parse(String json, String where) {
        try {
            List<JsonWebKey> parsed = new JsonWebKeySet(json).getJsonWebKeys();
            if (parsed.isEmpty()) {
                throw refused(where + " holds no key");
            }
            return List.copyOf(parsed);
        } catch (JoseException | RuntimeException e) {
            if (e instanceof ServiceFaultException fault) {
                throw fault;
            }
            throw refused(where + " is not a JWKS ({\"keys\": [...]})");
        }
    }

    private static ServiceFaultException refused(String message) {
        return new ServiceFaultException(ErrorCode.NOT_CONFIGURED, message);
    }
}
