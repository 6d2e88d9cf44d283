package dev.sealer.functions;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.sealer.testsupport.AuditLines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Knative Eventing's OIDC authentication over HTTP, as a Broker delivers events: {@code Authorization:
 * Bearer <service-account JWT>} for our audience, checked before the body is read, beside the static API
 * token for direct callers. The issuer's JWKS is served by a local HTTP server (as the API server's
 * {@code /openid/v1/jwks}); a token signed with a key the service has not seen yet makes it fetch the
 * keys again while the request waits, and the request's body still arrives whole.
 */
@QuarkusTest
@TestProfile(EventingOidcHttpTest.WithOidc.class)
@QuarkusTestResource(value = EventingOidcHttpTest.Issuer.class, restrictToAnnotatedClass = true)
class EventingOidcHttpTest {

    static final String TOKEN = "static-token-for-direct-callers-7d1";
    static final String ISSUER = "https://kubernetes.default.svc.cluster.local";
    static final String AUDIENCE = "aliyun-kms-sealer";
    static final Path STATE = Path.of("target/test-state/oidc");

    public static class WithOidc implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "sealer.api-token",
                    TOKEN,
                    "sealer.allow-unauthenticated",
                    "false",
                    "sealer.auth.oidc.enabled",
                    "true",
                    "sealer.auth.oidc.issuer",
                    ISSUER,
                    "sealer.auth.oidc.audience",
                    AUDIENCE,
                    "sealer.auth.oidc.jwks-min-refresh",
                    "0s");
        }
    }

    /** The cluster's service-account issuer: its keys as files, its JWKS served over HTTP from a file. */
    public static class Issuer implements QuarkusTestResourceLifecycleManager {
        private HttpServer server;

        @Override
        public Map<String, String> start() {
            try {
                Files.createDirectories(STATE);
                RSAKey first = new RSAKeyGenerator(2048).keyID("sa-key-1").generate();
                RSAKey second = new RSAKeyGenerator(2048).keyID("sa-key-2").generate();
                Files.writeString(STATE.resolve("key-1.json"), first.toJSONString());
                Files.writeString(STATE.resolve("key-2.json"), second.toJSONString());
                Files.writeString(
                        STATE.resolve("jwks.json"),
                        new JWKSet(first).toPublicJWKSet().toString());
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
                server.createContext("/openid/v1/jwks", exchange -> {
                    byte[] body = Files.readAllBytes(STATE.resolve("jwks.json"));
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                    exchange.close();
                });
                server.start();
                return Map.of(
                        "sealer.auth.oidc.jwks-url",
                        "http://127.0.0.1:" + server.getAddress().getPort() + "/openid/v1/jwks");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (com.nimbusds.jose.JOSEException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void stop() {
            if (server != null) {
                server.stop(0);
            }
        }
    }

    private static RSAKey key(String file) throws Exception {
        return RSAKey.parse(Files.readString(STATE.resolve(file)));
    }

    private static String token(RSAKey key, String audience) throws Exception {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(audience)
                .subject("system:serviceaccount:sealer:aliyun-kms-sealer-seal-oidc-eventing.knative.dev-trigger")
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(3600)))
                .build();
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static RequestSpecification sealEvent(String authorization, String id) {
        RequestSpecification request = given().contentType(ContentType.JSON)
                .header("ce-id", id)
                .header("ce-type", "dev.sealer.seal")
                .header("ce-source", "/apis/v1/namespaces/sealer/pingsources/test")
                .header("ce-specversion", "1.0");
        return authorization == null ? request : request.header("Authorization", authorization);
    }

    @Test
    void brokerDelivery_withTokenForOurAudience_isServed() throws Exception {
        String sealed = sealEvent("Bearer " + token(key("key-1.json"), AUDIENCE), "oidc-1")
                .body(Map.of("text", "delivered-by-the-broker-41c"))
                .when()
                .post("/")
                .then()
                .statusCode(200)
                .header("ce-type", "dev.sealer.seal.result")
                .body("sealed", startsWith("sealed."))
                .extract()
                .path("sealed");
        // a direct HTTP caller with the static token opens it
        given().contentType(ContentType.JSON)
                .header("Authorization", "Bearer " + TOKEN)
                .body(Map.of("sealed", sealed))
                .when()
                .post("/unseal")
                .then()
                .statusCode(200)
                .body("text", equalTo("delivered-by-the-broker-41c"));
    }

    @Test
    void auditTrail_namesTheTokensSubject() throws Exception {
        String token = token(key("key-1.json"), AUDIENCE);
        try (AuditLines audit = AuditLines.listen()) {
            sealEvent("Bearer " + token, "oidc-audit-1")
                    .body(Map.of("text", "oidc-audit-secret-6b0"))
                    .when()
                    .post("/")
                    .then()
                    .statusCode(200);

            assertThat(audit.records()).singleElement().satisfies(record -> {
                assertThat(record.get("entry_point").asText()).isEqualTo("events");
                assertThat(record.get("caller").asText()).isEqualTo("oidc");
                assertThat(record.get("caller_id").asText())
                        .isEqualTo(
                                "system:serviceaccount:sealer:aliyun-kms-sealer-seal-oidc-eventing.knative.dev-trigger");
            });
            assertThat(audit.lines())
                    .allSatisfy(line -> assertThat(line).doesNotContain(token).doesNotContain("oidc-audit-secret-6b0"));
        }
    }

    @Test
    void brokerDelivery_withoutOrWithWrongToken_isUnauthorized() throws Exception {
        sealEvent(null, "oidc-2")
                .body(Map.of("text", "x"))
                .when()
                .post("/")
                .then()
                .statusCode(401)
                .body("error", equalTo("unauthorized"));
        sealEvent("Bearer " + token(key("key-1.json"), "eventing.knative.dev/broker/sealer/default"), "oidc-3")
                .body(Map.of("text", "x"))
                .when()
                .post("/")
                .then()
                .statusCode(401);
        Instant now = Instant.now();
        String none = new PlainJWT(new JWTClaimsSet.Builder()
                        .issuer(ISSUER)
                        .audience(AUDIENCE)
                        .subject("s")
                        .expirationTime(Date.from(now.plusSeconds(600)))
                        .build())
                .serialize();
        sealEvent("Bearer " + none, "oidc-4")
                .body(Map.of("text", "x"))
                .when()
                .post("/")
                .then()
                .statusCode(401);
        String valid = token(key("key-1.json"), AUDIENCE);
        sealEvent("Bearer " + valid.substring(0, valid.length() - 4) + "AAAA", "oidc-5")
                .body(Map.of("text", "x"))
                .when()
                .post("/")
                .then()
                .statusCode(401);
        // an OIDC token is no static token for plain HTTP either way round: both are bearer credentials of this service
        given().contentType(ContentType.JSON)
                .header("Authorization", "Bearer " + TOKEN + "x")
                .body(Map.of("text", "x"))
                .when()
                .post("/seal")
                .then()
                .statusCode(401);
    }

    @Test
    void tokenOfARotatedKey_waitsForTheKeysToBeFetchedAgain_andTheBodyArrivesWhole() throws Exception {
        RSAKey first = key("key-1.json");
        RSAKey second = key("key-2.json");
        Files.writeString(
                STATE.resolve("jwks.json.new"),
                new JWKSet(List.of(first, second)).toPublicJWKSet().toString(),
                StandardCharsets.UTF_8);
        Files.move(
                STATE.resolve("jwks.json.new"),
                STATE.resolve("jwks.json"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        String big = "rotated-key-secret-".repeat(3000);
        String sealed = sealEvent("Bearer " + token(second, AUDIENCE), "oidc-6")
                .body(Map.of("text", big))
                .when()
                .post("/")
                .then()
                .statusCode(200)
                .body("sealed", startsWith("sealed."))
                .extract()
                .path("sealed");
        given().contentType(ContentType.JSON)
                .header("Authorization", "Bearer " + TOKEN)
                .body(Map.of("sealed", sealed))
                .when()
                .post("/unseal")
                .then()
                .statusCode(200)
                .body("text", equalTo(big));
    }
}
