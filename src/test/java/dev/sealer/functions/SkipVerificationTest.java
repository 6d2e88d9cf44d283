package dev.sealer.functions;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import dev.sealer.testsupport.SealerHttp;
import dev.sealer.testsupport.TestSigner;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With the explicit opt-in sealed-secret.verification.skip=true, the legacy unsigned form opens, and
 * reseal turns it into a signed secret.
 */
@QuarkusTest
@TestProfile(OptInFeaturesProfile.class)
class SkipVerificationTest {

    @Test
    void unseal_legacyForm_opensWhenSkipIsSetOnPurpose() {
        String sealed = SealUnsealHttpTest.seal(Map.of("text", "legacy"));
        String legacy = TestSigner.legacy(TestSigner.payloadOf(sealed));
        SealerHttp.unseal(legacy).then().statusCode(200).body("text", equalTo("legacy"));
    }

    @Test
    void reseal_legacyForm_becomesASignedSecretOfThisService() {
        String sealed = SealUnsealHttpTest.seal(Map.of("text", "legacy-to-signed-0e4d"));
        String legacy = TestSigner.legacy(TestSigner.payloadOf(sealed));

        String resealed = given().contentType(ContentType.JSON)
                .body(Map.of("sealed", legacy))
                .when()
                .post("/reseal")
                .then()
                .statusCode(200)
                .extract()
                .path("sealed");

        org.assertj.core.api.Assertions.assertThat(TestSigner.headerOf(resealed))
                .containsEntry("alg", "ES256")
                .containsEntry("kid", "kbs:///default/sealed-secret/test-signing-key");
        org.assertj.core.api.Assertions.assertThat(TestSigner.payloadOf(resealed))
                .containsEntry("wrap_type", "A256GCM");
        SealerHttp.unseal(resealed).then().statusCode(200).body("text", equalTo("legacy-to-signed-0e4d"));
    }

    @Test
    void unseal_signedByAnUnknownKey_opensWhenSkipIsSetOnPurpose() {
        String sealed = SealUnsealHttpTest.seal(Map.of("text", "unverified"));
        String resigned = TestSigner.random("unknown-kid").sign(TestSigner.payloadOf(sealed));
        SealerHttp.unseal(resigned).then().statusCode(200).body("text", equalTo("unverified"));
    }
}
