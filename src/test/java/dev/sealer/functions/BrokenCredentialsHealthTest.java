package dev.sealer.functions;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Readiness turns down when the default credentials do not load; liveness stays up. */
@QuarkusTest
@TestProfile(BrokenCredentialsHealthTest.Broken.class)
class BrokenCredentialsHealthTest {

    public static class Broken implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("aliyun.kms.client-key-id", "KAAP.not-installed");
        }
    }

    @Test
    void readiness_isDown_livenessUp() {
        given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(503)
                .body("status", equalTo("DOWN"))
                .body("checks.data.aliyun-error", hasItem("credentials_not_found"))
                .body(not(containsString("KAAP.not-installed")))
                .body(not(containsString("/")));
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }
}
