package dev.sealer.functions;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.sealer.testsupport.ApiTokenProfile;
import dev.sealer.testsupport.AuditLines;
import dev.sealer.testsupport.SealerHttp;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With sealer.api-token set, every entry point requires it, checked before the body is read; health
 * and the public key set ({@code GET /jwks}) stay open. Function Compute's routes are off here (as outside the fc profile): /initialize does not
 * exist for callers with the token, and is refused like everything else to callers without it.
 */
@QuarkusTest
@TestProfile(ApiTokenProfile.class)
class ApiTokenTest {

    static final String TOKEN = ApiTokenProfile.TOKEN;

    @Test
    void http_withoutOrWithWrongToken_isUnauthorized() {
        given().contentType(ContentType.JSON)
                .body(Map.of("text", "x"))
                .when()
                .post("/seal")
                .then()
                .statusCode(401)
                .header("www-authenticate", "Bearer")
                .body("error", equalTo("unauthorized"))
                .body("message", equalTo("missing or wrong API token"));
        SealerHttp.unseal(given().header("Authorization", "Bearer " + TOKEN + "x"), "x")
                .then()
                .statusCode(401);
        SealerHttp.unseal(given().header("Authorization", TOKEN), "x").then().statusCode(401);
        SealerHttp.unseal(given().header("Authorization", "Bearer "), "x")
                .then()
                .statusCode(401);
        given().contentType(ContentType.JSON)
                .body(Map.of("sealed", "x"))
                .when()
                .post("/reseal")
                .then()
                .statusCode(401);
        given().contentType(ContentType.JSON)
                .body(Map.of("secrets", Map.of("K", Map.of("text", "x"))))
                .when()
                .post("/seal")
                .then()
                .statusCode(401);
        // check never calls the KMS and judges only public strings, but is behind authentication like every function
        given().contentType(ContentType.JSON)
                .body(Map.of("sealed", "sealed.a.b.c"))
                .when()
                .post("/check")
                .then()
                .statusCode(401)
                .body("error", equalTo("unauthorized"));
    }

    @Test
    void http_withToken_works() {
        String sealed = SealerHttp.seal(given().header("Authorization", "Bearer " + TOKEN), Map.of("text", "guarded"));
        SealerHttp.unseal(given().header("Authorization", "bearer " + TOKEN), sealed)
                .then()
                .statusCode(200)
                .body("text", equalTo("guarded"));
        given().contentType(ContentType.JSON)
                .header("Authorization", "Bearer " + TOKEN)
                .body(Map.of("sealed", sealed))
                .when()
                .post("/check")
                .then()
                .statusCode(200)
                .body("secrets[0].opens_in_stock_cdh", equalTo(true));
    }

    @Test
    void cloudEvent_withoutToken_isUnauthorized() {
        SealerHttp.event(given().contentType(ContentType.JSON), "dev.sealer.seal", "1", "/t")
                .body(Map.of("text", "x"))
                .when()
                .post("/")
                .then()
                .statusCode(401)
                .body("error", equalTo("unauthorized"));
        SealerHttp.event(given().contentType(ContentType.JSON), "dev.sealer.seal", "1", "/t")
                .header("Authorization", "Bearer " + TOKEN)
                .body(Map.of("text", "x"))
                .when()
                .post("/")
                .then()
                .statusCode(200);
    }

    @Test
    void functionComputeRoutes_outsideTheFcProfile_areNotServed() {
        given().header("x-fc-function-handler", "seal")
                .body("{\"text\":\"x\"}")
                .when()
                .post("/invoke")
                .then()
                .statusCode(401)
                .body("error", equalTo("unauthorized"));
        given().when().post("/initialize").then().statusCode(401);
        given().header("Authorization", "Bearer " + TOKEN)
                .contentType(ContentType.JSON)
                .body("{}")
                .when()
                .post("/initialize")
                .then()
                .statusCode(404)
                .body("error", equalTo("not_found"));
    }

    @Test
    void health_isOpen() {
        given().when().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void auditTrail_namesTheApiToken_byWhichTokenIsConfigured_neverByTheToken() {
        try (AuditLines audit = AuditLines.listen()) {
            given().contentType(ContentType.JSON)
                    .header("Authorization", "Bearer " + TOKEN)
                    .body(Map.of("text", "api-token-audit-9a2"))
                    .when()
                    .post("/seal")
                    .then()
                    .statusCode(200);

            assertThat(audit.records()).singleElement().satisfies(record -> {
                assertThat(record.get("caller").asText()).isEqualTo("api-token");
                assertThat(record.get("caller_id").asText()).matches("[0-9a-f]{12}");
            });
            assertThat(audit.lines())
                    .allSatisfy(line -> assertThat(line)
                            .doesNotContain(TOKEN)
                            .doesNotContain(java.util.HexFormat.of()
                                    .formatHex(sha256(TOKEN))
                                    .substring(0, 12))
                            .doesNotContain("api-token-audit-9a2"));
        }
    }

    private static byte[] sha256(String value) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void jwks_isOpen_forGetOnly() {
        given().when()
                .get("/jwks")
                .then()
                .statusCode(200)
                .contentType("application/jwk-set+json")
                .body("keys.size()", equalTo(1));
        // the exemption is this one method and path: anything else there is a function call, and guarded
        given().contentType(ContentType.JSON)
                .body("{}")
                .when()
                .post("/jwks")
                .then()
                .statusCode(401);
        given().when().get("/jwks/").then().statusCode(401);
    }
}
