package bench.sdk;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.path.json.JsonPath;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The packaged app round-trips through the KMS emulator; with -Paot also the training run of its AOT
 * cache (as many round trips as the sealer's PackagedSealUnsealIT).
 */
@QuarkusIntegrationTest
@WithTestResource(EmulatorProcess.class)
class SdkFunctionsIT {

    @Test
    void encryptThenDecrypt_roundTrips() {
        for (int i = 0; i < 20; i++) {
            String plaintext =
                    Base64.getEncoder().encodeToString(("secret " + i).getBytes(StandardCharsets.UTF_8));
            JsonPath ciphertext = given().contentType("application/json")
                    .body(Map.of("plaintext", plaintext))
                    .when()
                    .post("/encrypt")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            given().contentType("application/json")
                    .body(Map.of(
                            "ciphertextBlob", ciphertext.getString("ciphertextBlob"),
                            "iv", ciphertext.getString("iv")))
                    .when()
                    .post("/decrypt")
                    .then()
                    .statusCode(200)
                    .body("plaintext", equalTo(plaintext));
        }
    }
}
