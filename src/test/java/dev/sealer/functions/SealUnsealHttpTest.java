package dev.sealer.functions;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.sealer.testsupport.SealerHttp;
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
        return SealerHttp.seal(request);
    }

    static Response unseal(String sealed) {
        return SealerHttp.unseal(sealed);
    }

    @Test
    void sealThenUnseal_text_roundTrips() {
        String sealed = seal(Map.of("text", "correct horse battery staple"));
        unseal(sealed)
                .then()
                .statusCode(200)
                .body("text", equalTo("correct horse battery staple"))
                .body(
                        "plaintext",
                        equalTo(Base64.getEncoder()
                                .encodeToString("correct horse battery staple".getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void sealThenUnseal_binary_roundTripsWithoutText() {
        byte[] secret = {(byte) 0xff, 0, (byte) 0xc3, 0x28, 1};
        String sealed = seal(Map.of("plaintext", Base64.getEncoder().encodeToString(secret)));
        Response response = unseal(sealed);
        response.then().statusCode(200);
        assertThat(Base64.getDecoder().decode(response.<String>path("plaintext")))
                .isEqualTo(secret);
        assertThat(response.<String>path("text")).isNull();
    }

    @Test
    void unseal_toleratesSurroundingWhiteSpace() {
        String sealed = seal(Map.of("text", "x"));
        unseal("\n  " + sealed + "\r\n").then().statusCode(200).body("text", equalTo("x"));
    }

    @Test
    void sealThenUnseal_emptySecret_roundTrips() {
        String sealed = seal(Map.of("plaintext", ""));
        unseal(sealed).then().statusCode(200).body("plaintext", equalTo("")).body("text", equalTo(""));
    }

    @Test
    void sealThenUnseal_oneMebibyte_roundTrips() {
        byte[] secret = new byte[1024 * 1024];
        new java.util.Random(7).nextBytes(secret);
        String sealed = seal(Map.of("plaintext", Base64.getEncoder().encodeToString(secret)));
        Response response = unseal(sealed);
        response.then().statusCode(200);
        assertThat(Base64.getDecoder().decode(response.<String>path("plaintext")))
                .isEqualTo(secret);
    }

    @Test
    void seal_oneByteOverTheLimit_isPayloadTooLarge() {
        byte[] secret = new byte[1024 * 1024 + 1];
        given().contentType(ContentType.JSON)
                .body(Map.of("plaintext", Base64.getEncoder().encodeToString(secret)))
                .when()
                .post("/seal")
                .then()
                .statusCode(413)
                .body("error", equalTo("payload_too_large"));
    }

    @Test
    void sealThenUnseal_withAliasAndExplicitSettings_roundTrips() {
        String sealed = seal(Map.of(
                "text",
                "via alias",
                "key_id",
                "alias/test-alias",
                "provider_settings",
                Map.of(
                        "client_key_id",
                        "KAAP.emulator-client-key-0001",
                        "kms_instance_id",
                        "kst-emu00000000000000001")));
        unseal(sealed).then().statusCode(200).body("text", equalTo("via alias"));
    }

    @Test
    void sealThenUnseal_vaultSecret_readsItFromTheKms() {
        String sealed = seal(Map.of("type", "vault", "name", "db-password"));
        Map<String, Object> payload = dev.sealer.testsupport.TestSigner.payloadOf(sealed);
        assertThat(payload)
                .containsEntry("type", "vault")
                .containsEntry("name", "db-password")
                .doesNotContainKeys("encrypted_key", "encrypted_data");
        unseal(sealed).then().statusCode(200).body("text", equalTo("vault-secret-value"));

        String current = seal(
                Map.of("type", "vault", "name", "db-password", "annotations", Map.of("version_stage", "ACSCurrent")));
        unseal(current).then().statusCode(200).body("text", equalTo("vault-secret-value"));
    }

    @Test
    void unseal_vaultSecretUnknownToTheKms_isKmsSecretNotFound() {
        String sealed = seal(Map.of("type", "vault", "name", "no-such-secret"));
        unseal(sealed)
                .then()
                .statusCode(400)
                .body("error", equalTo("kms_secret_not_found"))
                .body("kms_error_code", equalTo("Forbidden.ResourceNotFound"));
    }

    @Test
    void seal_vaultWithSecretValue_isInvalidRequest() {
        given().contentType(ContentType.JSON)
                .body(Map.of("type", "vault", "name", "n", "text", "x"))
                .when()
                .post("/seal")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_request"));
    }

    @Test
    void seal_twice_givesDifferentKeysAndIvs() {
        Map<String, Object> first = dev.sealer.testsupport.TestSigner.payloadOf(seal(Map.of("text", "same")));
        Map<String, Object> second = dev.sealer.testsupport.TestSigner.payloadOf(seal(Map.of("text", "same")));
        assertThat(first.get("encrypted_key")).isNotEqualTo(second.get("encrypted_key"));
        assertThat(first.get("iv")).isNotEqualTo(second.get("iv"));
        assertThat(first.get("encrypted_data")).isNotEqualTo(second.get("encrypted_data"));
    }

    @Test
    void seal_withoutSecret_isInvalidRequest() {
        given().contentType(ContentType.JSON)
                .body("{}")
                .when()
                .post("/seal")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_request"));
    }
}
