package dev.sealer.functions.http;

import dev.sealer.ErrorCode;
import dev.sealer.ServiceFaultException;
import dev.sealer.functions.Caller;
import dev.sealer.functions.Operation;
import dev.sealer.functions.TokenScope;
import dev.sealer.functions.runtime.SealerConfig;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
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
 *   <li>{@code sub} is present and listed for at least one function ({@code sealer.auth.oidc.seal-subjects},
 *       {@code unseal-subjects}, {@code reseal-subjects}, {@code check-subjects}).
 * </ul>
 *
 * A valid token allows only its subject's functions, and only over CloudEvents ({@link TokenScope}): any
 * pod can mount a token for any audience, and every event a Broker delivers carries one, so a token is
 * never a credential for plain HTTP or Function Compute.
 *
 * The JWKS comes from a value, a file (re-read when it changes) or a URL (fetched asynchronously, kept
 * for {@code jwks-refresh}, fetched again early when a token names an unknown key, at most once per
 * {@code jwks-min-refresh}; one fetch at a time, bounded as a whole by {@code jwks-timeout} and to 256 KiB,
 * so a URL that stalls mid-answer neither holds the requests waiting for keys past it nor blocks the next
 * fetch). Verification itself needs no I/O: it runs on the caller's thread, and only
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

    @Inject
    SealerConfig config;

    /** The issuer's keys, once the configuration is checked (with OIDC on). */
    private volatile OidcJwks jwks;

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
        if (oidc.subjects().isPresent()) {
            throw refused(
                    "sealer.auth.oidc.subjects is replaced by sealer.auth.oidc.seal-subjects, unseal-subjects and "
                            + "reseal-subjects: list each Trigger's service account for the function its events run");
        }
        if (subjectsOf(Operation.SEAL).isEmpty()
                && subjectsOf(Operation.UNSEAL).isEmpty()
                && subjectsOf(Operation.RESEAL).isEmpty()
                && subjectsOf(Operation.CHECK).isEmpty()) {
            throw refused(
                    "sealer.auth.oidc.enabled=true, but no subject may run any function: list the Triggers' "
                            + "service accounts in sealer.auth.oidc.seal-subjects (and unseal-subjects, reseal-subjects or check-subjects)");
        }
        int sources = (oidc.jwks().isPresent() ? 1 : 0)
                + (oidc.jwksFile().isPresent() ? 1 : 0)
                + (oidc.jwksUrl().isPresent() ? 1 : 0);
        if (sources != 1) {
            throw refused("set exactly one of sealer.auth.oidc.jwks, jwks-file and jwks-url");
        }
        jwks = OidcJwks.start(oidc);
        LOG.infof(
                "Knative Eventing OIDC tokens accepted over CloudEvents: issuer %s, audience %s, subjects for seal %d, "
                        + "unseal %d, reseal %d, check %d",
                oidc.issuer().get(),
                oidc.audience().get(),
                subjectsOf(Operation.SEAL).size(),
                subjectsOf(Operation.UNSEAL).size(),
                subjectsOf(Operation.RESEAL).size(),
                subjectsOf(Operation.CHECK).size());
    }

    /** The subjects listed for a function. */
    private Set<String> subjectsOf(Operation operation) {
        SealerConfig.Oidc oidc = config.auth().oidc();
        Optional<List<String>> listed = switch (operation) {
            case SEAL -> oidc.sealSubjects();
            case UNSEAL -> oidc.unsealSubjects();
            case RESEAL -> oidc.resealSubjects();
            case CHECK -> oidc.checkSubjects();
        };
        return listed.map(subjects ->
                        subjects.stream().filter(subject -> !subject.isBlank()).collect(Collectors.toUnmodifiableSet()))
                .orElse(Set.of());
    }

    /** What a valid token of this subject allows: its functions, over CloudEvents; none when it is listed nowhere. */
    private TokenScope scopeOf(String subject) {
        Set<Operation> allowed = EnumSet.noneOf(Operation.class);
        for (Operation operation : Operation.values()) {
            if (subjectsOf(operation).contains(subject)) {
                allowed.add(operation);
            }
        }
        if (allowed.isEmpty()) {
            LOG.debug("Eventing OIDC token refused: its subject is listed for no function");
        }
        return TokenScope.cloudEvents(allowed);
    }

    /**
     * @param token the bearer token (without {@code Bearer })
     * @return completes with who the token names and what it allows ({@link Caller#oidc}: its subject, for the
     *     audit trail, and its {@link TokenScope}); {@link Caller#NONE} when it is not valid, or its subject is
     *     listed for no function. Completes at once unless keys must be fetched first
     */
    public CompletionStage<Caller> verify(String token) {
        if (!enabled() || token == null || token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
            return CompletableFuture.completedFuture(Caller.NONE);
        }
        OidcJwks source = jwks;
        if (source == null) {
            return CompletableFuture.completedFuture(Caller.NONE); // the configuration was never checked
        }
        OidcJwks.Keys current = source.current();
        if (current == null) {
            // a URL whose first fetch has not answered (or failed): wait for the fetch under way, or start one
            if (!source.fetching() && !source.mayFetchAgain()) {
                return CompletableFuture.completedFuture(Caller.NONE);
            }
            return source.refresh()
                    .thenApply(fetched -> fetched == null ? Caller.NONE : callerOf(check(token, fetched)));
        }
        source.refreshIfStale(current);
        Checked checked = check(token, current);
        if (checked.result() == Result.UNKNOWN_KEY && source.fromUrl() && source.mayFetchAgain()) {
            return source.refresh()
                    .thenApply(fetched -> fetched == null ? Caller.NONE : callerOf(check(token, fetched)));
        }
        return CompletableFuture.completedFuture(callerOf(checked));
    }

    private enum Result {
        VALID,
        INVALID,
        UNKNOWN_KEY
    }

    /** A token checked: valid (with its subject) or why not. */
    private record Checked(Result result, String subject) {
        static final Checked INVALID = new Checked(Result.INVALID, null);
        static final Checked UNKNOWN_KEY = new Checked(Result.UNKNOWN_KEY, null);
    }

    /** A valid token's subject, with what it allows; nobody otherwise. */
    private Caller callerOf(Checked checked) {
        return checked.result() == Result.VALID
                ? Caller.oidc(checked.subject(), scopeOf(checked.subject()))
                : Caller.NONE;
    }

    private Checked check(String token, OidcJwks.Keys current) {
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
            return new Checked(Result.VALID, claims.getSubject());
        } catch (InvalidJwtException e) {
            if (hasCause(e, UnresolvableKeyException.class)) {
                LOG.debug("Eventing OIDC token refused: no key of the JWKS matches it");
                return Checked.UNKNOWN_KEY;
            }
            LOG.debugf(
                    "Eventing OIDC token refused: %s",
                    e.getErrorDetails().stream()
                            .map(d -> String.valueOf(d.getErrorCode()))
                            .toList());
            return Checked.INVALID;
        } catch (MalformedClaimException e) {
            return Checked.INVALID;
        }
    }

    void stop(@Observes ShutdownEvent event) {
        OidcJwks source = jwks;
        if (source != null) {
            source.stop();
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
}
