package dev.sealer.functions;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.nimbusds.jose.jwk.ECKey;
import dev.sealer.testsupport.GuestResourceServer;
import dev.sealer.testsupport.SealerHttp;
import dev.sealer.testsupport.TestSigner;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Kids that are KBS resource URIs, resolved as inside a confidential pod: through the guest's resource
 * API ({@link GuestResourceServer} answers like it: the resource, 404, 500, or too late). A fetched key
 * is cached; a failure is not, and is a clear 5xx ({@code verification_key_unavailable}), an unknown
 * resource a 4xx ({@code unknown_kid}).
 */
@QuarkusTest
@TestProfile(KbsResourceKidTest.GuestApi.class)
class KbsResourceKidTest {

    static final String KID_PATH = "default/sealed-secret/test-signing-key";

    public static class GuestApi implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "sealed-secret.verification.kbs-resource-dir",
                    "",
                    "sealed-secret.verification.kbs-resource-timeout",
                    "1s");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(GuestResourceServer.class));
        }
    }

    @ConfigProperty(name = "guest-resource-server.base")
    String server;

    @ConfigProperty(name = "sealed-secret.signing.jwk-file")
    Path signingJwk;

    @BeforeEach
    void publishTheVerificationKeyInKbs() throws Exception {
        Path resource = GuestResourceServer.FOLDER.resolve(KID_PATH);
        Files.createDirectories(resource.getParent());
        Files.writeString(
                resource,
                ECKey.parse(Files.readString(signingJwk, StandardCharsets.UTF_8))
                        .toPublicJWK()
                        .toJSONString());
    }

    private int hits(String resourcePath) {
        return Integer.parseInt(given().baseUri(server)
                .when()
                .get("/hits/" + resourcePath)
                .then()
                .statusCode(200)
                .extract()
                .asString());
    }

    private static io.restassured.response.ValidatableResponse unseal(String sealed) {
        return SealerHttp.unseal(sealed).then();
    }

    private static String sealedWithKid(String kid) {
        return TestSigner.random(kid)
                .sign(Map.of(
                        "version",
                        "0.1.0",
                        "type",
                        "vault",
                        "name",
                        "db-password",
                        "provider",
                        "aliyun",
                        "provider_settings",
                        Map.of(),
                        "annotations",
                        Map.of()));
    }

    @Test
    void uriKid_isFetchedThroughTheGuestApi_once_thenCached() {
        String sealed = SealerHttp.sealText("kid-from-kbs-5d1e");
        assertThat(TestSigner.headerOf(sealed).get("kid")).isEqualTo("kbs:///" + KID_PATH);

        unseal(sealed).statusCode(200).body("text", equalTo("kid-from-kbs-5d1e"));
        int afterFirst = hits(KID_PATH);
        unseal(sealed).statusCode(200);
        unseal(sealed).statusCode(200);

        assertThat(afterFirst).isPositive();
        assertThat(hits(KID_PATH)).as("cached after the first fetch").isEqualTo(afterFirst);
    }

    @Test
    void resourceTheApiDoesNotKnow_isUnknownKid() {
        unseal(sealedWithKid("kbs:///default/missing/key-1")).statusCode(400).body("error", equalTo("unknown_kid"));
    }

    @Test
    void apiFailure_isVerificationKeyUnavailable_andNotCached() {
        String sealed = sealedWithKid("kbs:///default/broken/key-1");

        unseal(sealed).statusCode(503).body("error", equalTo("verification_key_unavailable"));
        unseal(sealed).statusCode(503).body("error", equalTo("verification_key_unavailable"));

        assertThat(hits("default/broken/key-1")).as("each failure asks again").isEqualTo(2);
    }

    @Test
    void apiTooSlow_isVerificationKeyUnavailable_atItsTimeout() {
        unseal(sealedWithKid("kbs:///default/slow/key-1"))
                .statusCode(503)
                .body("error", equalTo("verification_key_unavailable"));
    }

    /**
     * An API that sends its headers and one byte, then nothing: every unseal is answered at the fetch's
     * deadline (1 s here), none waits for the rest. 20 at once, as the probe sent them. The client's own
     * bound (60 s) only catches a service that never answers.
     */
    @Test
    void apiThatStallsMidAnswer_isVerificationKeyUnavailable_forEveryCaller() throws Exception {
        String sealed = sealedWithKid("kbs:///default/stalled/key-1");
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        io.restassured.RestAssured.baseURI + ":" + io.restassured.RestAssured.port + "/unseal"))
                .timeout(java.time.Duration.ofSeconds(60))
                .header("content-type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"sealed\":\"" + sealed + "\"}"))
                .build();
        List<java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<String>>> answers =
                new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            answers.add(client.sendAsync(request, java.net.http.HttpResponse.BodyHandlers.ofString()));
        }
        for (var answer : answers) {
            java.net.http.HttpResponse<String> response = answer.get(90, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
            assertThat(response.body()).contains("verification_key_unavailable");
        }
    }

    @Test
    void kidOfAnotherKbsPlugin_isUnknownKid_theGuestApiServesOnlyResources() {
        unseal(sealedWithKid("kbs+pkcs11:///default/sealed-secret/test-signing-key"))
                .statusCode(400)
                .body("error", equalTo("unknown_kid"));
        assertThat(hits(KID_PATH + "-never")).isZero();
    }
}
