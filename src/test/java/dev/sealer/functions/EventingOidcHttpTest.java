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
import dev.sealer.testsupport.SealerHttp;
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
    /** The seal Trigger's service account (deploy/knative/triggers.yaml). */
    static final String SEAL_TRIGGER =
            "system:serviceaccount:sealer:aliyun-kms-sealer-seal-oidc-eventing.knative.dev-trigger";
    /** A Trigger whose events reseal. */
    static final String RESEAL_TRIGGER =
            "system:serviceaccount:sealer:aliyun-kms-sealer-reseal-oidc-eventing.knative.dev-trigger";
    /** A Trigger whose events check. */
    static final String CHECK_TRIGGER =
            "system:serviceaccount:sealer:aliyun-kms-sealer-check-oidc-eventing.knative.dev-trigger";

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
                    "0s",
                    "sealer.auth.oidc.jwks-timeout",
                    "2s",
                    "sealer.auth.oidc.seal-subjects",
                    SEAL_TRIGGER,
                    "sealer.auth.oidc.reseal-subjects",
                    RESEAL_TRIGGER,
                    "sealer.auth.oidc.check-subjects",
                    CHECK_TRIGGER);
        }
    }

    /**
     * While set, the issuer's JWKS URL stalls: it sends its headers and a few bytes, then nothing until the
     * latch is released.
     */
    static volatile java.util.concurrent.CountDownLatch stall;

    /** The cluster's service-account issuer: its keys as files, its JWKS served over HTTP from a file. */
    public static class Issuer implements QuarkusTestResourceLifecycleManager {
        private HttpServer server;

        @Override
        public Map<String, String> start() {
            try {
                Files.createDirectories(STATE);
                RSAKey first = new RSAKeyGenerator(2048).keyID("sa-key-1").generate();
                RSAKey second = new RSAKeyGenerator(2048).keyID("sa-key-2").generate();
                RSAKey third = new RSAKeyGenerator(2048).keyID("sa-key-3").generate();
                Files.writeString(STATE.resolve("key-1.json"), first.toJSONString());
                Files.writeString(STATE.resolve("key-2.json"), second.toJSONString());
                Files.writeString(STATE.resolve("key-3.json"), third.toJSONString());
                Files.writeString(
                        STATE.resolve("jwks.json"),
                        new JWKSet(first).toPublicJWKSet().toString());
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
                server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
                server.createContext("/openid/v1/jwks", exchange -> {
                    byte[] body = Files.readAllBytes(STATE.resolve("jwks.json"));
                    exchange.sendResponseHeaders(200, body.length);
                    java.util.concurrent.CountDownLatch stalled = stall;
                    if (stalled != null) {
                        exchange.getResponseBody().write(body, 0, 5);
                        exchange.getResponseBody().flush();
                        try {
                            stalled.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        exchange.close();
                        return;
                    }
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
            java.util.concurrent.CountDownLatch stalled = stall;
            if (stalled != null) {
                stalled.countDown();
            }
            if (server != null) {
                server.stop(0);
            }
        }
    }

    private static RSAKey key(String file) throws Exception {
        return RSAKey.parse(Files.readString(STATE.resolve(file)));
    }

    private static String token(RSAKey key, String audience) throws Exception {
        return token(key, audience, SEAL_TRIGGER);
    }

    private static String token(RSAKey key, String audience, String subject) throws Exception {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(audience)
                .subject(subject)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(3600)))
                .build();
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static RequestSpecification sealEvent(String authorization, String id) {
        RequestSpecification request = SealerHttp.event(
                given().contentType(ContentType.JSON),
                "dev.sealer.seal",
                id,
                "/apis/v1/namespaces/sealer/pingsources/test");
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
        SealerHttp.unseal(given().header("Authorization", "Bearer " + TOKEN), sealed)
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

    private static String sealedByTheApiToken(String text) {
        return SealerHttp.seal(given().header("Authorization", "Bearer " + TOKEN), Map.of("text", text));
    }

    private static RequestSpecification event(String authorization, String type, String id) {
        return SealerHttp.event(
                given().contentType(ContentType.JSON).header("Authorization", authorization),
                type,
                id,
                "/apis/v1/namespaces/sealer/pingsources/test");
    }

    /**
     * Every event a Broker delivers carries the Trigger's token: it must not be a credential for plain
     * HTTP, where unseal answers the plaintext, nor for Function Compute's /invoke.
     */
    @Test
    void eventingToken_isNoCredentialForPlainHttp_orInvoke() throws Exception {
        String sealed = sealedByTheApiToken("not-for-the-broker-9e2");
        String bearer = "Bearer " + token(key("key-1.json"), AUDIENCE);
        for (String path : new String[] {"/unseal", "/reseal"}) {
            String answer = given().contentType(ContentType.JSON)
                    .header("Authorization", bearer)
                    .body(Map.of("sealed", sealed))
                    .when()
                    .post(path)
                    .then()
                    .statusCode(403)
                    .body("error", equalTo("forbidden"))
                    .extract()
                    .asString();
            org.assertj.core.api.Assertions.assertThat(answer).doesNotContain("not-for-the-broker-9e2");
        }
        given().contentType(ContentType.JSON)
                .header("Authorization", bearer)
                .body(Map.of("text", "x"))
                .when()
                .post("/seal")
                .then()
                .statusCode(403);
        given().header("Authorization", bearer)
                .queryParam("sealed", sealed)
                .when()
                .get("/unseal")
                .then()
                .statusCode(403);
        given().contentType("application/octet-stream")
                .header("Authorization", bearer)
                .header("x-fc-function-handler", "unseal")
                .body(("{\"sealed\":\"" + sealed + "\"}").getBytes(StandardCharsets.UTF_8))
                .when()
                .post("/invoke")
                .then()
                .statusCode(403);
    }

    /**
     * Calls refused by a token's scope are in the audit trail with the token's subject, whichever layer refused
     * them: plain HTTP's unseal on the request's headers (no body read, so no secret named), a reseal event at
     * the function (naming the secret it aimed at). Refused credentials are nobody, and leave no line.
     */
    @Test
    void auditTrail_recordsScopeRefusals_withTheTokensSubject() throws Exception {
        String sealed = sealedByTheApiToken("audited-refusal-2d8");
        String token = token(key("key-1.json"), AUDIENCE, SEAL_TRIGGER);
        try (AuditLines audit = AuditLines.listen()) {
            SealerHttp.unseal(given().header("Authorization", "Bearer " + token), sealed)
                    .then()
                    .statusCode(403);
            event("Bearer " + token, "dev.sealer.reseal", "audit-scope-1")
                    .body(Map.of("sealed", sealed))
                    .when()
                    .post("/")
                    .then()
                    .statusCode(403);
            sealEvent("Bearer " + token(key("key-1.json"), "another-audience"), "audit-scope-2")
                    .body(Map.of("text", "x"))
                    .when()
                    .post("/")
                    .then()
                    .statusCode(401);

            List<com.fasterxml.jackson.databind.JsonNode> records = audit.records();
            assertThat(records).hasSize(2);
            com.fasterxml.jackson.databind.JsonNode onHeaders = records.get(0);
            assertThat(onHeaders.get("function").asText()).isEqualTo("unseal");
            assertThat(onHeaders.get("entry_point").asText()).isEqualTo("http");
            assertThat(onHeaders.get("outcome").asText()).isEqualTo("forbidden");
            assertThat(onHeaders.get("caller").asText()).isEqualTo("oidc");
            assertThat(onHeaders.get("caller_id").asText()).isEqualTo(SEAL_TRIGGER);
            assertThat(onHeaders.has("sealed_sha256")).isFalse();
            com.fasterxml.jackson.databind.JsonNode atTheFunction = records.get(1);
            assertThat(atTheFunction.get("function").asText()).isEqualTo("reseal");
            assertThat(atTheFunction.get("entry_point").asText()).isEqualTo("events");
            assertThat(atTheFunction.get("outcome").asText()).isEqualTo("forbidden");
            assertThat(atTheFunction.get("caller").asText()).isEqualTo("oidc");
            assertThat(atTheFunction.get("caller_id").asText()).isEqualTo(SEAL_TRIGGER);
            assertThat(atTheFunction.get("sealed_sha256").get(0).asText())
                    .isEqualTo(AuditTrailTest.signingInputSha256(sealed));
            assertThat(audit.lines())
                    .allSatisfy(line -> assertThat(line)
                            .doesNotContain(token)
                            .doesNotContain(sealed)
                            .doesNotContain("audited-refusal-2d8"));
        }
    }

    /** A subject runs only the functions it is listed for: the seal Trigger's token cannot reseal or unseal. */
    @Test
    void eventingToken_runsOnlyItsSubjectsFunctions() throws Exception {
        String sealed = sealedByTheApiToken("scoped-by-subject-31f");
        String sealTrigger = "Bearer " + token(key("key-1.json"), AUDIENCE, SEAL_TRIGGER);
        String resealTrigger = "Bearer " + token(key("key-1.json"), AUDIENCE, RESEAL_TRIGGER);

        event(sealTrigger, "dev.sealer.reseal", "scope-1")
                .body(Map.of("sealed", sealed))
                .when()
                .post("/")
                .then()
                .statusCode(403)
                .body("error", equalTo("forbidden"));
        event(sealTrigger, "dev.sealer.unseal", "scope-2")
                .body(Map.of("sealed", sealed))
                .when()
                .post("/")
                .then()
                .statusCode(403);
        // the same in structured mode: the type is in the body
        given().contentType("application/cloudevents+json")
                .header("Authorization", sealTrigger)
                .body(Map.of(
                        "specversion", "1.0",
                        "id", "scope-3",
                        "source", "/t",
                        "type", "dev.sealer.reseal",
                        "datacontenttype", "application/json",
                        "data", Map.of("sealed", sealed)))
                .when()
                .post("/")
                .then()
                .statusCode(403);

        String resealed = event(resealTrigger, "dev.sealer.reseal", "scope-4")
                .body(Map.of("sealed", sealed))
                .when()
                .post("/")
                .then()
                .statusCode(200)
                .extract()
                .path("sealed");
        event(resealTrigger, "dev.sealer.seal", "scope-5")
                .body(Map.of("text", "x"))
                .when()
                .post("/")
                .then()
                .statusCode(403);
        // a subject listed for nothing is not authenticated at all
        event(
                        "Bearer " + token(key("key-1.json"), AUDIENCE, "system:serviceaccount:sealer:default"),
                        "dev.sealer.seal",
                        "scope-6")
                .body(Map.of("text", "x"))
                .when()
                .post("/")
                .then()
                .statusCode(401);
        SealerHttp.unseal(given().header("Authorization", "Bearer " + TOKEN), resealed)
                .then()
                .statusCode(200)
                .body("text", equalTo("scoped-by-subject-31f"));
    }

    @Test
    void checkSubject_runsCheckOverEvents_only() throws Exception {
        String sealed = sealedByTheApiToken("checked-over-events-5d1");
        String checkTrigger = "Bearer " + token(key("key-1.json"), AUDIENCE, CHECK_TRIGGER);
        String sealTrigger = "Bearer " + token(key("key-1.json"), AUDIENCE, SEAL_TRIGGER);

        event(checkTrigger, "dev.sealer.check", "check-1")
                .body(Map.of("sealed", sealed))
                .when()
                .post("/")
                .then()
                .statusCode(200)
                .header("ce-type", "dev.sealer.check.result")
                .body("secrets[0].opens_in_stock_cdh", equalTo(true));
        event(checkTrigger, "dev.sealer.unseal", "check-2")
                .body(Map.of("sealed", sealed))
                .when()
                .post("/")
                .then()
                .statusCode(403);
        event(sealTrigger, "dev.sealer.check", "check-3")
                .body(Map.of("sealed", sealed))
                .when()
                .post("/")
                .then()
                .statusCode(403);
        given().contentType(ContentType.JSON)
                .header("Authorization", checkTrigger)
                .body(Map.of("sealed", sealed))
                .when()
                .post("/check")
                .then()
                .statusCode(403)
                .body("error", equalTo("forbidden"));
    }

    /** Over events, reseal renews a secret's data key and signature but never moves it to another KMS key. */
    @Test
    void resealOverEvents_keepsTheSecretsKmsKey() throws Exception {
        String sealed = sealedByTheApiToken("stays-under-its-key-5b7");
        String resealTrigger = "Bearer " + token(key("key-1.json"), AUDIENCE, RESEAL_TRIGGER);
        event(resealTrigger, "dev.sealer.reseal", "move-1")
                .body(Map.of("sealed", sealed, "key_id", "key-emulator-0002"))
                .when()
                .post("/")
                .then()
                .statusCode(403)
                .body("error", equalTo("forbidden"))
                .body("message", org.hamcrest.Matchers.containsString("key_id"));
        event(resealTrigger, "dev.sealer.reseal", "move-2")
                .body(Map.of("sealed", sealed, "provider_settings", Map.of("client_key_id", "KAAP.other")))
                .when()
                .post("/")
                .then()
                .statusCode(403);
        // with the API token, over plain HTTP, the key may change
        given().contentType(ContentType.JSON)
                .header("Authorization", "Bearer " + TOKEN)
                .body(Map.of("sealed", sealed, "key_id", "key-emulator-0002"))
                .when()
                .post("/reseal")
                .then()
                .statusCode(200);
    }

    /**
     * Tokens with a kid the service has not seen make it fetch the JWKS while the request waits (unauthenticated
     * yet). A JWKS URL that stalls mid-answer must not hold such requests past the fetch's deadline (2 s here),
     * nor block the next fetch: a later token of the rotated key is accepted once the URL answers again. The
     * client's 60 s bound only catches a service that never answers.
     */
    @Test
    void unknownKidTokens_whileTheJwksUrlStalls_areAnsweredAtTheFetchDeadline_andTheNextFetchWorks() throws Exception {
        RSAKey third = key("key-3.json");
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        java.util.function.Function<String, java.net.http.HttpRequest> sealEvent =
                token -> java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                                io.restassured.RestAssured.baseURI + ":" + io.restassured.RestAssured.port + "/"))
                        .timeout(java.time.Duration.ofSeconds(60))
                        .header("content-type", "application/json")
                        .header("authorization", "Bearer " + token)
                        .header("ce-id", "stall-" + token.hashCode())
                        .header("ce-type", "dev.sealer.seal")
                        .header("ce-source", "/test")
                        .header("ce-specversion", "1.0")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"text\":\"after-the-stall\"}"))
                        .build();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        stall = release;
        try {
            List<java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<String>>> waiting =
                    new java.util.ArrayList<>();
            for (int i = 0; i < 5; i++) {
                waiting.add(client.sendAsync(
                        sealEvent.apply(token(third, AUDIENCE)), java.net.http.HttpResponse.BodyHandlers.ofString()));
            }
            for (var answer : waiting) {
                org.assertj.core.api.Assertions.assertThat(answer.get(90, java.util.concurrent.TimeUnit.SECONDS)
                                .statusCode())
                        .isEqualTo(401);
            }
        } finally {
            stall = null;
            release.countDown();
        }
        Files.writeString(
                STATE.resolve("jwks.json.new"),
                new JWKSet(List.of(key("key-1.json"), key("key-2.json"), third))
                        .toPublicJWKSet()
                        .toString(),
                StandardCharsets.UTF_8);
        Files.move(
                STATE.resolve("jwks.json.new"),
                STATE.resolve("jwks.json"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        org.assertj.core.api.Assertions.assertThat(client.send(
                                sealEvent.apply(token(third, AUDIENCE)),
                                java.net.http.HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .isEqualTo(200);
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
        SealerHttp.unseal(given().header("Authorization", "Bearer " + TOKEN), sealed)
                .then()
                .statusCode(200)
                .body("text", equalTo(big));
    }
}
