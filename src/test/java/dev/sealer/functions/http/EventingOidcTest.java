package dev.sealer.functions.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.sealer.ErrorCode;
import dev.sealer.SealerException;
import dev.sealer.functions.Caller;
import dev.sealer.functions.EntryPoint;
import dev.sealer.functions.Operation;
import dev.sealer.functions.TokenScope;
import dev.sealer.functions.runtime.SealerConfig;
import dev.sealer.testsupport.ApplicationConfig;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Knative Eventing OIDC tokens, made here by an independent JOSE library (Nimbus) with a locally
 * generated issuer key, against {@link EventingOidc} configured as the application configures it
 * (application.properties, mappings and defaults): only a token signed by the issuer's key, with its
 * issuer, our audience, an allowed subject and not expired, passes.
 */
class EventingOidcTest {

    static final String ISSUER = "https://kubernetes.default.svc.cluster.local";
    static final String AUDIENCE = "aliyun-kms-sealer";
    static final String SUBJECT =
            "system:serviceaccount:sealer:aliyun-kms-sealer-seal-oidc-eventing.knative.dev-trigger";

    static RSAKey issuerKey;
    static RSAKey otherKey;
    static ECKey ecIssuerKey;

    @TempDir
    Path dir;

    private HttpServer server;

    @BeforeAll
    static void keys() throws JOSEException {
        issuerKey = new RSAKeyGenerator(2048).keyID("issuer-key-1").generate();
        otherKey = new RSAKeyGenerator(2048).keyID("issuer-key-2").generate();
        ecIssuerKey = new ECKeyGenerator(Curve.P_256).keyID("issuer-ec-key").generate();
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.stop(0);
        }
    }

    static JWTClaimsSet.Builder claims() {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .subject(SUBJECT)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(3600)));
    }

    static String sign(RSAKey key, JWTClaimsSet claims) throws JOSEException {
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    static String jwks(com.nimbusds.jose.jwk.JWK... keys) {
        return new JWKSet(List.of(keys)).toPublicJWKSet().toString();
    }

    private static EventingOidc oidc(Map<String, String> properties) {
        Map<String, String> all = new HashMap<>(Map.of(
                "sealer.auth.oidc.enabled",
                "true",
                "sealer.auth.oidc.issuer",
                ISSUER,
                "sealer.auth.oidc.audience",
                AUDIENCE));
        if (properties.keySet().stream().noneMatch(name -> name.endsWith("-subjects"))) {
            all.put("sealer.auth.oidc.seal-subjects", SUBJECT);
        }
        all.putAll(properties);
        EventingOidc oidc = new EventingOidc();
        oidc.config = ApplicationConfig.build("test", all).getConfigMapping(SealerConfig.class);
        oidc.checkConfiguration();
        return oidc;
    }

    private static EventingOidc withJwksValue() {
        return oidc(Map.of(
                "sealer.auth.oidc.jwks", jwks(issuerKey, ecIssuerKey), "sealer.auth.oidc.seal-subjects", SUBJECT));
    }

    private static boolean accepted(EventingOidc oidc, String token) throws Exception {
        return !scope(oidc, token).isNone();
    }

    private static TokenScope scope(EventingOidc oidc, String token) throws Exception {
        return oidc.verify(token)
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS)
                .scope();
    }

    @Test
    void tokenOfTheIssuer_withOurAudience_isAccepted() throws Exception {
        EventingOidc oidc = withJwksValue();
        assertThat(accepted(oidc, sign(issuerKey, claims().build()))).isTrue();
        // a second audience beside ours does not matter (aud is a list)
        assertThat(accepted(
                        oidc,
                        sign(
                                issuerKey,
                                claims().audience(List.of("other", AUDIENCE)).build())))
                .isTrue();
        // ES256 issuers (some clusters sign service-account tokens with EC keys)
        SignedJWT ec = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.ES256)
                        .keyID(ecIssuerKey.getKeyID())
                        .build(),
                claims().build());
        ec.sign(new ECDSASigner(ecIssuerKey));
        assertThat(accepted(oidc, ec.serialize())).isTrue();
    }

    @Test
    void wrongAudience_isRefused() throws Exception {
        EventingOidc oidc = withJwksValue();
        assertThat(accepted(
                        oidc,
                        sign(
                                issuerKey,
                                claims().audience("eventing.knative.dev/broker/sealer/default")
                                        .build())))
                .isFalse();
        assertThat(accepted(
                        oidc, sign(issuerKey, claims().audience((String) null).build())))
                .isFalse();
    }

    @Test
    void wrongIssuer_isRefused() throws Exception {
        EventingOidc oidc = withJwksValue();
        assertThat(accepted(
                        oidc,
                        sign(issuerKey, claims().issuer("https://evil.example").build())))
                .isFalse();
        assertThat(accepted(oidc, sign(issuerKey, claims().issuer(null).build())))
                .isFalse();
    }

    @Test
    void expiredOrTimeless_isRefused() throws Exception {
        EventingOidc oidc = withJwksValue();
        Instant past = Instant.now().minusSeconds(3600);
        assertThat(accepted(
                        oidc,
                        sign(
                                issuerKey,
                                claims().issueTime(Date.from(past.minusSeconds(60)))
                                        .expirationTime(Date.from(past))
                                        .build())))
                .isFalse();
        assertThat(accepted(oidc, sign(issuerKey, claims().expirationTime(null).build())))
                .isFalse();
        assertThat(accepted(
                        oidc,
                        sign(
                                issuerKey,
                                claims().notBeforeTime(Date.from(Instant.now().plusSeconds(3600)))
                                        .build())))
                .isFalse();
    }

    @Test
    void unsignedToken_algNone_isRefused() throws Exception {
        EventingOidc oidc = withJwksValue();
        String none = new PlainJWT(claims().build()).serialize();
        assertThat(none).endsWith(".");
        assertThat(accepted(oidc, none)).isFalse();
        // the same, with a signature part glued on from a valid token
        String valid = sign(issuerKey, claims().build());
        assertThat(accepted(oidc, none + valid.substring(valid.lastIndexOf('.') + 1)))
                .isFalse();
    }

    @Test
    void tamperedToken_isRefused() throws Exception {
        EventingOidc oidc = withJwksValue();
        String valid = sign(issuerKey, claims().build());
        String[] parts = valid.split("\\.");
        String otherPayload = sign(
                        issuerKey,
                        claims().subject("system:serviceaccount:evil:any").build())
                .split("\\.")[1];
        assertThat(accepted(oidc, parts[0] + "." + otherPayload + "." + parts[2]))
                .isFalse();
        byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
        signature[10] ^= 1;
        assertThat(accepted(
                        oidc,
                        parts[0] + "." + parts[1] + "."
                                + Base64.getUrlEncoder().withoutPadding().encodeToString(signature)))
                .isFalse();
        assertThat(accepted(oidc, parts[0] + "." + parts[1])).isFalse();
        assertThat(accepted(oidc, "not-a-jwt")).isFalse();
        assertThat(accepted(oidc, "")).isFalse();
    }

    @Test
    void hmacWithThePublicKeyAsSecret_isRefused() throws Exception {
        EventingOidc oidc = withJwksValue();
        SignedJWT forged = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.HS256)
                        .keyID(issuerKey.getKeyID())
                        .build(),
                claims().build());
        forged.sign(new MACSigner(issuerKey.toRSAPublicKey().getEncoded()));
        assertThat(accepted(oidc, forged.serialize())).isFalse();
    }

    @Test
    void tokenOfAnotherKey_orSubjectNotAllowed_isRefused() throws Exception {
        EventingOidc oidc = withJwksValue();
        assertThat(accepted(oidc, sign(otherKey, claims().build()))).isFalse();
        assertThat(accepted(
                        oidc,
                        sign(
                                issuerKey,
                                claims().subject("system:serviceaccount:sealer:default")
                                        .build())))
                .isFalse();
    }

    @Test
    void validToken_allowsItsSubjectsFunctions_overCloudEventsOnly() throws Exception {
        String reseal = "system:serviceaccount:sealer:reseal-trigger";
        EventingOidc oidc = oidc(Map.of(
                "sealer.auth.oidc.jwks",
                jwks(issuerKey),
                "sealer.auth.oidc.seal-subjects",
                SUBJECT + "," + reseal,
                "sealer.auth.oidc.reseal-subjects",
                reseal));
        TokenScope sealer = scope(oidc, sign(issuerKey, claims().build()));
        assertThat(sealer.permits(EntryPoint.CLOUD_EVENT, Operation.SEAL)).isTrue();
        assertThat(sealer.permits(EntryPoint.CLOUD_EVENT, Operation.RESEAL)).isFalse();
        assertThat(sealer.permits(EntryPoint.CLOUD_EVENT, Operation.UNSEAL)).isFalse();
        for (EntryPoint other : new EntryPoint[] {EntryPoint.HTTP, EntryPoint.FUNCTION_COMPUTE}) {
            assertThat(sealer.reaches(other)).isFalse();
            assertThat(sealer.permits(other, Operation.SEAL)).isFalse();
        }
        TokenScope resealer =
                scope(oidc, sign(issuerKey, claims().subject(reseal).build()));
        assertThat(resealer.operations()).containsExactlyInAnyOrder(Operation.SEAL, Operation.RESEAL);
        assertThat(scope(
                        oidc,
                        sign(
                                issuerKey,
                                claims().subject("system:serviceaccount:x:y").build())))
                .isEqualTo(TokenScope.NONE);
    }

    /** One verification yields both what the token allows and who it is for the audit trail: its subject. */
    @Test
    void validToken_isACallerNamedByItsSubject_refusedTokenIsNobody() throws Exception {
        EventingOidc oidc = withJwksValue();
        Caller caller = oidc.verify(sign(issuerKey, claims().build()))
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        assertThat(caller.kind()).isEqualTo("oidc");
        assertThat(caller.id()).isEqualTo(SUBJECT);
        assertThat(caller.scope().permits(EntryPoint.CLOUD_EVENT, Operation.SEAL))
                .isTrue();
        assertThat(caller.toString()).doesNotContain(SUBJECT);
        Caller refused = oidc.verify(sign(otherKey, claims().build()))
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        assertThat(refused).isSameAs(Caller.NONE);
        assertThat(refused.id()).isNull();
    }

    @Test
    void jwksFile_isReadAndReReadWhenItChanges() throws Exception {
        Path file = dir.resolve("jwks.json");
        Files.writeString(file, jwks(issuerKey));
        EventingOidc oidc = oidc(Map.of("sealer.auth.oidc.jwks-file", file.toString()));
        assertThat(accepted(oidc, sign(issuerKey, claims().build()))).isTrue();
        assertThat(accepted(oidc, sign(otherKey, claims().build()))).isFalse();

        Path rotated = dir.resolve("jwks.json.new");
        Files.writeString(rotated, jwks(issuerKey, otherKey));
        Files.move(
                rotated,
                file,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        assertThat(accepted(oidc, sign(otherKey, claims().build()))).isTrue();
    }

    @Test
    void jwksUrl_isFetchedWithTheRequestToken_andFetchedAgainForAnUnknownKey() throws Exception {
        AtomicReference<String> served = new AtomicReference<>(jwks(issuerKey));
        List<String> authorizations = new CopyOnWriteArrayList<>();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/openid/v1/jwks", exchange -> {
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("authorization")));
            byte[] body = served.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("content-type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, "pod-sa-token-for-jwks\n");
        EventingOidc oidc = oidc(Map.of(
                "sealer.auth.oidc.jwks-url",
                "http://127.0.0.1:" + server.getAddress().getPort() + "/openid/v1/jwks",
                "sealer.auth.oidc.jwks-url-token-file",
                tokenFile.toString(),
                "sealer.auth.oidc.jwks-min-refresh",
                "0s"));

        assertThat(accepted(oidc, sign(issuerKey, claims().build()))).isTrue();
        assertThat(authorizations).isNotEmpty().allMatch(a -> a.equals("Bearer pod-sa-token-for-jwks"));
        int fetches = authorizations.size();

        // the cluster rotates its signing key: a token with the new kid makes the service fetch the keys again
        served.set(jwks(issuerKey, otherKey));
        assertThat(accepted(oidc, sign(otherKey, claims().build()))).isTrue();
        assertThat(authorizations.size()).isGreaterThan(fetches);
        // a known key needs no fetch
        int afterRotation = authorizations.size();
        assertThat(accepted(oidc, sign(issuerKey, claims().build()))).isTrue();
        assertThat(authorizations).hasSize(afterRotation);
    }

    /**
     * A JWKS URL that sends its headers and a few bytes, then nothing: the fetch ends at jwks-timeout, the
     * token that waited for it is refused then (not at some idle timeout), and the next fetch is not
     * blocked by the stalled one: once the URL answers, tokens are accepted.
     */
    @Test
    void jwksUrl_thatStallsMidAnswer_endsAtItsTimeout_andDoesNotBlockTheNextFetch() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.createContext("/openid/v1/jwks", exchange -> {
            byte[] body = jwks(issuerKey).getBytes(StandardCharsets.UTF_8);
            if (requests.incrementAndGet() == 1) {
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body, 0, 10);
                exchange.getResponseBody().flush();
                try {
                    release.await(); // the rest of the first answer never comes (until the test ends)
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exchange.close();
                return;
            }
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            EventingOidc oidc = oidc(Map.of(
                    "sealer.auth.oidc.jwks-url",
                    "http://127.0.0.1:" + server.getAddress().getPort() + "/openid/v1/jwks",
                    "sealer.auth.oidc.jwks-timeout",
                    "1s",
                    "sealer.auth.oidc.jwks-min-refresh",
                    "0s"));
            String token = sign(issuerKey, claims().build());

            // waits for the stalled first fetch, which ends at its 1 s deadline (then refused), or, on a machine
            // slow enough that the deadline passed already, starts the next fetch (the 30 s bound only catches a hang)
            boolean accepted = accepted(oidc, token);
            // the next fetch is not blocked by the stalled one, and succeeds
            accepted = accepted || accepted(oidc, token);
            assertThat(accepted).isTrue();
            assertThat(requests.get()).isEqualTo(2);
        } finally {
            release.countDown();
        }
    }

    @Test
    void jwksUrl_unreachable_refusesTokensButStarts() throws Exception {
        EventingOidc oidc = oidc(Map.of(
                "sealer.auth.oidc.jwks-url",
                "http://127.0.0.1:1/openid/v1/jwks",
                "sealer.auth.oidc.jwks-timeout",
                "2s"));
        assertThat(accepted(oidc, sign(issuerKey, claims().build()))).isFalse();
    }

    @Test
    void configuration_withoutIssuerAudienceOrExactlyOneKeySource_stopsTheStart() {
        assertRefused(
                withSubject(
                        "sealer.auth.oidc.enabled",
                        "true",
                        "sealer.auth.oidc.issuer",
                        ISSUER,
                        "sealer.auth.oidc.jwks",
                        jwks(issuerKey)),
                "audience");
        assertRefused(
                withSubject(
                        "sealer.auth.oidc.enabled",
                        "true",
                        "sealer.auth.oidc.audience",
                        AUDIENCE,
                        "sealer.auth.oidc.jwks",
                        jwks(issuerKey)),
                "issuer");
        assertRefused(
                withSubject(
                        "sealer.auth.oidc.enabled",
                        "true",
                        "sealer.auth.oidc.issuer",
                        ISSUER,
                        "sealer.auth.oidc.audience",
                        AUDIENCE),
                "exactly one");
        assertRefused(
                withSubject(
                        "sealer.auth.oidc.enabled",
                        "true",
                        "sealer.auth.oidc.issuer",
                        ISSUER,
                        "sealer.auth.oidc.audience",
                        AUDIENCE,
                        "sealer.auth.oidc.jwks",
                        "{\"keys\":[]}"),
                "no key");
        assertRefused(
                withSubject(
                        "sealer.auth.oidc.enabled",
                        "true",
                        "sealer.auth.oidc.issuer",
                        ISSUER,
                        "sealer.auth.oidc.audience",
                        AUDIENCE,
                        "sealer.auth.oidc.jwks-file",
                        dir.resolve("absent").toString()),
                "jwks-file");
    }

    @Test
    void configuration_withTheFormerSubjectsList_orNoSubjectForAnyFunction_stopsTheStart() {
        Map<String, String> base = Map.of(
                "sealer.auth.oidc.enabled",
                "true",
                "sealer.auth.oidc.issuer",
                ISSUER,
                "sealer.auth.oidc.audience",
                AUDIENCE,
                "sealer.auth.oidc.jwks",
                jwks(issuerKey));
        Map<String, String> former = new HashMap<>(base);
        former.put("sealer.auth.oidc.subjects", SUBJECT);
        assertRefused(former, "seal-subjects");
        assertRefused(base, "no subject may run any function");
    }

    /** The properties plus a subject for seal, so that only the defect under test remains. */
    private static Map<String, String> withSubject(String... properties) {
        Map<String, String> all = new HashMap<>();
        for (int i = 0; i < properties.length; i += 2) {
            all.put(properties[i], properties[i + 1]);
        }
        all.put("sealer.auth.oidc.seal-subjects", SUBJECT);
        return all;
    }

    private static void assertRefused(Map<String, String> properties, String message) {
        EventingOidc oidc = new EventingOidc();
        oidc.config = ApplicationConfig.build("test", properties).getConfigMapping(SealerConfig.class);
        assertThatThrownBy(oidc::checkConfiguration)
                .isInstanceOf(SealerException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((SealerException) e).errorCode()).isEqualTo(ErrorCode.NOT_CONFIGURED));
    }
}
