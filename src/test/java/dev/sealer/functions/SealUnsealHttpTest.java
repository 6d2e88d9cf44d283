package dev.sealer.functions;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** seal and unseal over plain HTTP, against the embedded emulator. */
@QuarkusTest
class SealUnsealHttpTest {

    static String seal(Map<String, Object> request) {
        return given().contentType(ContentType.JSON).body(request)
                .when().post("/seal")
                .then().statusCode(200).body("sealed", startsWith("sealed."))
                .extract().path("sealed");
    }

    static Response unseal(String sealed) {
        return given().contentType(ContentType.JSON).body(Map.of("sealed", sealed)).when().post("/unseal");
    }

    @Test
    void sealThenUnseal_text_roundTrips() {
        String sealed = seal(Map.of("text", "correct horse battery staple"));
        unseal(sealed).then().statusCode(200)
                .body("text", equalTo("correct horse battery staple"))
                .body("plaintext", equalTo(Base64.getEncoder().encodeToString(
                        "correct horse battery staple".getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void sealThenUnseal_binary_roundTripsWithoutText() {
        byte[] secret = {(byte) 0xff, 0, (byte) 0xc3, 0x28, 1};
        String sealed = seal(Map.of("plaintext", Base64.getEncoder().encodeToString(secret)));
        Response response = unseal(sealed);
        response.then().statusCode(200);
        assertThat(Base64.getDecoder().decode(response.<String>path("plaintext"))).isEqualTo(secret);
        assertThat(response.<String>path("text")).isNull();
    }

    @Test
    void unseal_toleratesSurroundingWhiteSpace() {
        String sealed = seal(Map.of("text", "x"));
        unseal("\n  " + sealed + "\r\n").then().statusCode(200).body("text", equalTo("x"));
    }

    @Test
    void seal_withoutSecret_isInvalidRequest() {
        given().contentType(ContentType.JSON).body("{}").when().post("/seal")
                .then().statusCode(400).body("error", equalTo("invalid_request"));
    }
}
