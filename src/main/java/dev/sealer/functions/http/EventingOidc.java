package dev.sealer.functions.http;

import dev.sealer.ErrorCode;
import dev.sealer.FileStamp;
import dev.sealer.ServiceFaultException;
import dev.sealer.functions.runtime.SealerConfig;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.jboss.logging.Logger;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.jose4j.lang.JoseException;
import org.jose4j.lang.UnresolvableKeyException;

/**
 * Knative Eventing's OIDC authentication ({@code sealer.auth.oidc.*}): a Broker or Channel delivers an
 * event with {@code Authorization: Bearer <JWT>}, a Kubernetes service-account token requested for
 * the Trigger's {@code subscriber.audience}. A token is accepted when all hold:
 *
 * <ul>
 *   <li>its JWS signature verifies with a key of the issuer's JWKS, by an asymmetric algorithm (RS*, PS*,
 *       ES*): {@code alg: none} and HMAC are refused, so a public key can never serve as a MAC secret;
 *   <li>{@code iss} is the configured issuer, {@code aud} contains the configured audience;
 *   <li>{@code exp} is present and not past ({@code nbf}/{@code iat} checked when present), with the
 *       configured clock skew;
 *   <li>{@code sub} is present and, when {@code sealer.auth.oidc.subjects} is set, one of them.
 * </ul>
 *
 * The JWKS comes from a value, a file (re-read when it changes) or a URL (fetched asynchronously, kept
 * for {@code jwks-refresh}, fetched again early when a token names an unknown key, at most once per
 * {@code jwks-min-refresh}). Verification itself needs no I/O: it runs on the caller's thread, and only
 * a fetch makes the answer asynchronous. Tokens are never logged.
 */
@ApplicationScoped
public class EventingOidc {

    private static final Logger LOG = Logger.getLogger(EventingOidc.class);
    private static final AlgorithmConstraints ASYMMETRIC = new AlgorithmConstraints(
            AlgorithmConstraints.ConstraintType.PERMIT,
            AlgorithmIdentifiers.RSA_USING_SHA256,
            AlgorithmIdentifiers.RSA_USING_SHA384,
            AlgorithmIdentifiers.RSA_USING_SHA512,
            AlgorithmIdentifiers.RSA_PSS_USING_SHA256,
            AlgorithmIdentifiers.RSA_PSS_USING_SHA384,
            AlgorithmIdentifiers.RSA_PSS_USING_SHA512,
            AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256,
            AlgorithmIdentifiers.ECDSA_USING_P384_CURVE_AND_SHA384,
            AlgorithmIdentifiers.ECDSA_USING_P521_CURVE_AND_SHA512);
    /** Tokens longer than this are refused unparsed (a service-account token is about 1 KB). */
    private static final int MAX_TOKEN_CHARS = 16 * 1024;

    /** The keys in use, with where they came from: the file's stamp, or when they were fetched. */
    private record Keys(List<JsonWebKey> keys, String fileStamp, long fetchedAtNanos) {}

    @Inject
    SealerConfig config;

    private final AtomicReference<Keys> keys = new AtomicReference<>();
    private final AtomicReference<CompletableFuture<Keys>> fetching = new AtomicReference<>();
    private volatile long lastFetchStartNanos;
    private HttpClient client;
    private ExecutorService fetchExecutor;

    /** True when Eventing OIDC tokens are accepted. */
    public boolean enabled() {
        return config.auth().oidc().enabled();
    }

    /**
     * Checks the configuration at start and loads the keys once (a URL is fetched in the background: until
     * it answers, tokens wait for it).
     */
    public void checkConfiguration() {
        SealerConfig.Oidc oidc = config.auth().oidc();
        if (!oidc.enabled()) {
            return;
        }
        if (oidc.audience().filter(a -> !a.isBlank()).isEmpty()) {
            throw refused(
                    "sealer.auth.oidc.audience is required with sealer.auth.oidc.enabled=true (the Trigger's subscriber.audience)");
        }
        if (oidc.issuer().filter(i -> !i.isBlank()).isEmpty()) {
            throw refused(
                    "sealer.auth.oidc.issuer is required with sealer.auth.oidc.enabled=true (the cluster's service-account issuer)");
        }
        int sources = (oidc.jwks().isPresent() ? 1 : 0)
                + (oidc.jwksFile().isPresent() ? 1 : 0)
                + (oidc.jwksUrl().isPresent() ? 1 : 0);
        if (sources != 1) {
            throw refused("set exactly one of sealer.auth.oidc.jwks, jwks-file and jwks-url");
        }
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
            client = httpClient(oidc);
            refresh();
        }
        LOG.infof(
                "Knative Eventing OIDC tokens accepted: issuer %s, audience %s, %s",
                oidc.issuer().get(),
                oidc.audience().get(),
                oidc.subjects().map(s -> s.size() + " allowed subject(s)").orElse("any subject"));
    }

    /**
     * @param token the bearer token (without {@code Bearer })
     * @return completes with true when the token is valid; completes at once unless keys must be fetched first
     */
    public CompletionStage<Boolean> verify(String token) {
        if (!enabled() || token == null || token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
            return CompletableFuture.completedFuture(false);
        }
        Keys current = currentKeys();
        if (current == null) {
            // a URL whose first fetch has not answered (or failed): wait for the fetch under way, or start one
            if (fetching.get() == null && !mayFetchAgain()) {
                return CompletableFuture.completedFuture(false);
            }
            return refresh().thenApply(fetched -> fetched != null && check(token, fetched) == Result.VALID);
        }
        refreshIfStale(current);
        Result result = check(token, current);
        if (result == Result.UNKNOWN_KEY && config.auth().oidc().jwksUrl().isPresent() && mayFetchAgain()) {
            return refresh().thenApply(fetched -> fetched != null && check(token, fetched) == Result.VALID);
        }
        return CompletableFuture.completedFuture(result == Result.VALID);
    }

    private enum Result {
        VALID,
        INVALID,
        UNKNOWN_KEY
    }

    private Result check(String token, Keys current) {
        SealerConfig.Oidc oidc = config.auth().oidc();
        JwtConsumer consumer = new JwtConsumerBuilder()
                .setRequireExpirationTime()
                .setRequireSubject()
                .setAllowedClockSkewInSeconds(
                        (int) Math.min(Integer.MAX_VALUE, oidc.clockSkew().toSeconds()))
                .setExpectedIssuer(true, oidc.issuer().get())
                .setExpectedAudience(true, oidc.audience().get())
                .setJwsAlgorithmConstraints(ASYMMETRIC)
                .setVerificationKeyResolver(new JwksVerificationKeyResolver(current.keys()))
                .build();
        try {
            JwtClaims claims = consumer.processToClaims(token);
            Optional<List<String>> subjects = oidc.subjects();
            if (subjects.isPresent() && !Set.copyOf(subjects.get()).contains(claims.getSubject())) {
                LOG.debug("Eventing OIDC token refused: subject not allowed");
                return Result.INVALID;
            }
            return Result.VALID;
        } catch (InvalidJwtException e) {
            if (hasCause(e, UnresolvableKeyException.class)) {
                LOG.debug("Eventing OIDC token refused: no key of the JWKS matches it");
                return Result.UNKNOWN_KEY;
            }
            LOG.debugf(
                    "Eventing OIDC token refused: %s",
                    e.getErrorDetails().stream()
                            .map(d -> String.valueOf(d.getErrorCode()))
                            .toList());
            return Result.INVALID;
        } catch (MalformedClaimException e) {
            return Result.INVALID;
        }
    }

    private Keys currentKeys() {
        Optional<Path> file = config.auth().oidc().jwksFile();
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

    private boolean mayFetchAgain() {
        return System.nanoTime() - lastFetchStartNanos
                >= config.auth().oidc().jwksMinRefresh().toNanos();
    }

    /** One fetch at a time; callers that arrive during a fetch share it. Completes with null on failure. */
    private CompletableFuture<Keys> refresh() {
        CompletableFuture<Keys> running = fetching.get();
        if (running != null) {
            return running;
        }
        CompletableFuture<Keys> mine = new CompletableFuture<>();
        if (!fetching.compareAndSet(null, mine)) {
            return fetching.get();
        }
        lastFetchStartNanos = System.nanoTime();
        SealerConfig.Oidc oidc = config.auth().oidc();
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
        client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                .handle((response, failure) -> {
                    Keys fetched = null;
                    if (failure != null) {
                        LOG.warnf(
                                "the OIDC JWKS could not be fetched: %s",
                                failure.getClass().getSimpleName());
                    } else if (response.statusCode() != 200) {
                        LOG.warnf("the OIDC JWKS could not be fetched: HTTP %d", response.statusCode());
                    } else {
                        try {
                            fetched =
                                    new Keys(parse(response.body(), "the JWKS URL's answer"), null, System.nanoTime());
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
    private void refreshIfStale(Keys current) {
        if (client != null
                && System.nanoTime() - current.fetchedAtNanos()
                        >= config.auth().oidc().jwksRefresh().toNanos()
                && mayFetchAgain()) {
            refresh();
        }
    }

    private HttpClient httpClient(SealerConfig.Oidc oidc) {
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

    void stop(@Observes ShutdownEvent event) {
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

    private static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static ServiceFaultException refused(String message) {
        return new ServiceFaultException(ErrorCode.NOT_CONFIGURED, message);
    }

    /**
     * The {@code sub} claim of a token {@link #verify} has accepted, for the audit trail: read from the token's
     * claims without verifying again (the same bytes were just verified); null when it cannot be read. Cut to
     * 256 characters.
     */
    static String subjectOf(String verifiedToken) {
        try {
            String[] parts = verifiedToken.split("\\.", -1);
            com.fasterxml.jackson.databind.JsonNode sub = dev.sealer.Json.MAPPER
                    .readTree(java.util.Base64.getUrlDecoder().decode(parts[1]))
                    .get("sub");
            if (sub == null || !sub.isTextual()) {
                return null;
            }
            String subject = sub.textValue();
            return subject.length() > 256 ? subject.substring(0, 256) : subject;
        } catch (Exception e) {
            return null;
        }
    }
}
