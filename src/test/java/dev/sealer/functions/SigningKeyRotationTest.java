package dev.sealer.functions;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.sealer.testsupport.SealerHttp;
import dev.sealer.testsupport.TestSigner;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Rotating the signing key with {@code reseal}: the service now signs with a new key and kid while the
 * old verification key is still published; a secret signed with the old key is resealed, the old key
 * is withdrawn, and the resealed secret still opens while the old one no longer does.
 */
@QuarkusTest
@TestProfile(SigningKeyRotationTest.NewSigningKey.class)
class SigningKeyRotationTest {

    static final String NEW_KID = "kbs:///default/sealed-secret/rotated-signing-key";
    static final String OLD_KID = "kbs:///default/sealed-secret/retired-signing-key";
    static final Path OLD_PUBLIC = Path.of("target/test-state/kbs-resources/default/sealed-secret/retired-signing-key");

    public static class NewSigningKey implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "sealed-secret.signing.jwk-file",
                    "target/test-state/signing/rotated-signing-key.jwk",
                    "sealed-secret.signing.kid",
                    NEW_KID,
                    // published by GET /jwks beside the current key (JwksHttpTest)
                    "sealed-secret.signing.previous-public-keys",
                    JwksHttpTest.RotationKey.folder().toString());
        }
    }

    @Test
    void reseal_withTheNewKey_thenTheOldKeyIsNoLongerNeeded() throws Exception {
        String current = SealerHttp.sealText("rotation-secret-5c7a");
        TestSigner oldKey = TestSigner.random(OLD_KID); // the key the service signed with before the rotation
        Files.createDirectories(OLD_PUBLIC.getParent());
        Files.writeString(OLD_PUBLIC, oldKey.key().toPublicJWK().toJSONString());
        String signedWithTheOldKey = oldKey.sign(TestSigner.payloadOf(current));

        String resealed = given().contentType(ContentType.JSON)
                .body(Map.of("sealed", signedWithTheOldKey))
                .when()
                .post("/reseal")
                .then()
                .statusCode(200)
                .extract()
                .path("sealed");
        assertThat(TestSigner.headerOf(resealed)).containsEntry("kid", NEW_KID);

        Files.delete(OLD_PUBLIC); // the old key is withdrawn

        SealerHttp.unseal(resealed).then().statusCode(200).body("text", equalTo("rotation-secret-5c7a"));
        SealerHttp.unseal(signedWithTheOldKey).then().statusCode(400).body("error", equalTo("unknown_kid"));
    }
}
