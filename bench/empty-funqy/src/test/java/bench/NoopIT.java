package bench;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import org.junit.jupiter.api.Test;

/** The packaged empty app answers; with -Paot also the training run of its AOT cache (the sealer's is as many calls). */
@QuarkusIntegrationTest
class NoopIT {

    @Test
    void noop_answers() {
        for (int i = 0; i < 40; i++) {
            given().contentType("application/json").body("{\"sealed\":\"x\"}").when().post("/noop")
                    .then().statusCode(200).body("plaintext", equalTo(""));
        }
    }
}
