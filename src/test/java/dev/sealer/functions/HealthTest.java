package dev.sealer.functions;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Liveness and readiness with working credentials (the emulator's). */
@QuarkusTest
class HealthTest {

    @Test
    void liveAndReady_areUp() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("sealer"))
                .body("checks.data.sealing", hasItem("enabled"));
    }
}
