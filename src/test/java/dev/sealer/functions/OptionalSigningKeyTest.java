package dev.sealer.functions;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

import dev.sealer.testsupport.SealerHttp;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The signing-key file is configured but absent and declared optional (a Knative Service whose optional
 * signing-key Secret was not created): the service starts, is ready, says that sealing is disabled,
 * refuses seal with not_configured, and unseals.
 */
@QuarkusTest
@TestProfile(OptionalSigningKeyTest.AbsentKey.class)
class OptionalSigningKeyTest {

    public static class AbsentKey implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "sealed-secret.signing.jwk-file",
                    "target/test-state/no-such-dir/signing-key.jwk",
                    "sealed-secret.signing.generate-if-missing",
                    "false",
                    "sealed-secret.signing.optional",
                    "true");
        }
    }

    @Test
    void readiness_isUp_andSaysSealingIsDisabled() {
        given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("checks.data.sealing", hasItem(startsWith("disabled")));
    }

    @Test
    void jwks_withoutASigningKey_isAnEmptySet() {
        given().when()
                .get("/jwks")
                .then()
                .statusCode(200)
                .contentType("application/jwk-set+json")
                .body("keys.size()", equalTo(0));
    }

    @Test
    void seal_isNotConfigured_unsealStillWorks() {
        given().contentType(ContentType.JSON)
                .body(Map.of("text", "x"))
                .when()
                .post("/seal")
                .then()
                .statusCode(500)
                .body("error", equalTo("not_configured"));
        // unseal runs (a malformed secret is the caller's fault, not a missing capability)
        SealerHttp.unseal("sealed.a.b.c").then().statusCode(400);
    }
}
