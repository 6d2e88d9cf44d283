package dev.sealer.packaged;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import dev.sealer.testsupport.SealerHttp;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The packaged application ({@code target/quarkus-app}) as a user runs it: prod profile, an API token,
 * a KMS instance outside it ({@link PackagedAppKms}). seal and unseal round trips over plain HTTP and
 * CloudEvents, vault secrets, reseal, readiness, and the token check.
 *
 * <p>These calls are also the training run of the JDK 25 AOT cache: built with
 * {@code -Paot} (README "Performance"), Quarkus records what this test makes the application load,
 * link and profile, and writes {@code target/quarkus-app/app.aot} when it stops. So the test does what
 * a real start does first (unseal right after start, then seal, unseal and the rest), a few dozen
 * times so that the hot methods get profiles; it asserts no timing.
 */
@QuarkusIntegrationTest
@WithTestResource(PackagedAppKms.class)
class PackagedSealUnsealIT {

    /** Enough repetitions for the JIT to profile the hot paths of seal and unseal (JEP 515), few enough to stay quick. */
    private static final int ROUNDS = 20;

    private static RequestSpecification authorized() {
        return given().header("Authorization", "Bearer " + PackagedAppKms.API_TOKEN)
                .contentType(ContentType.JSON);
    }

    private static String seal(Map<String, Object> request) {
        return SealerHttp.seal(authorized(), request);
    }

    @Test
    void sealThenUnseal_overHttp_roundTrips_asOftenAsATrainingRunNeeds() {
        for (int i = 0; i < ROUNDS; i++) {
            String text = "packaged secret number " + i;
            String sealed = seal(Map.of("text", text));
            SealerHttp.unseal(authorized(), sealed)
                    .then()
                    .statusCode(200)
                    .body("text", equalTo(text))
                    .body(
                            "plaintext",
                            equalTo(Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8))));
        }
    }

    @Test
    void vaultSecret_unsealsFromTheKms() {
        String sealed = seal(Map.of("type", "vault", "name", PackagedAppKms.SECRET_NAME));
        SealerHttp.unseal(authorized(), sealed)
                .then()
                .statusCode(200)
                .body("text", equalTo(PackagedAppKms.SECRET_VALUE));
    }

    @Test
    void reseal_keepsTheSecret() {
        String sealed = seal(Map.of("text", "resealed packaged secret"));
        String resealed = authorized()
                .body(Map.of("sealed", sealed))
                .when()
                .post("/reseal")
                .then()
                .statusCode(200)
                .extract()
                .path("sealed");
        SealerHttp.unseal(authorized(), resealed)
                .then()
                .statusCode(200)
                .body("text", equalTo("resealed packaged secret"));
    }

    @Test
    void sealEvent_isAnsweredWithAResultEvent() {
        SealerHttp.event(
                        given().header("Authorization", "Bearer " + PackagedAppKms.API_TOKEN),
                        "dev.sealer.seal",
                        "packaged-1",
                        "/packaged-test")
                .contentType(ContentType.JSON)
                .body(Map.of("text", "packaged event secret"))
                .when()
                .post("/")
                .then()
                .statusCode(200)
                .header("ce-type", "dev.sealer.seal.result")
                .body("sealed", startsWith("sealed."));
    }

    @Test
    void withoutTheToken_isRefused() {
        given().contentType(ContentType.JSON)
                .body(Map.of("text", "not sealed"))
                .when()
                .post("/seal")
                .then()
                .statusCode(401)
                .body("error", equalTo("unauthorized"));
    }

    @Test
    void readiness_isUp() {
        given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }
}
