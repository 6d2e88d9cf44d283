package dev.sealer.functions;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.sealer.testsupport.SealerHttp;
import dev.sealer.testsupport.TestSigner;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /jwks} during a signing-key rotation (the profile of {@link SigningKeyRotationTest}: a new key
 * signs, the previous one's public half is configured in {@code sealed-secret.signing.previous-public-keys}):
 * an RFC 7517 JWK Set with both keys under their kids, no private member in any key, and each key, stored as
 * the README's one-liner stores it (the member whose kid matches, as the KBS resource the kid names), verifies
 * what that kid signed, with an independent JOSE library and with unseal itself.
 */
@QuarkusTest
@TestProfile(SigningKeyRotationTest.NewSigningKey.class)
class JwksHttpTest {

    static final String PREVIOUS_KID = "kbs:///default/sealed-secret/previous-signing-key";
    private static final Path KBS_RESOURCES = Path.of("target/test-state/kbs-resources");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Every private or symmetric member RFC 7518 defines for EC, RSA and oct keys. */
    private static final Set<String> PRIVATE_MEMBERS = Set.of("d", "p", "q", "dp", "dq", "qi", "oth", "k");

    /** The previous signing key: its public half in the configured folder, its private half only here. */
    static final class RotationKey {
        private static final Path FOLDER = Path.of("target/test-state/rotation-public-keys");
        private static final Path PRIVATE = Path.of("target/test-state/rotation-private/previous-signing-key.jwk");

        /** The folder the profile configures, holding the previous key's public JWK (made on first use). */
        static synchronized Path folder() {
            try {
                if (!Files.exists(PRIVATE)) {
                    ECKey key =
                            new ECKeyGenerator(Curve.P_256).keyID(PREVIOUS_KID).generate();
                    Files.createDirectories(PRIVATE.getParent());
                    Files.writeString(PRIVATE, key.toJSONString());
                    Files.createDirectories(FOLDER);
                    Files.writeString(
                            FOLDER.resolve("previous-signing-key.pub.jwk"),
                            key.toPublicJWK().toJSONString());
                }
                return FOLDER;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        static TestSigner signer() {
            folder();
            return TestSigner.fromJwkFile(PRIVATE, PREVIOUS_KID);
        }
    }

    @Test
    void jwks_isAJwkSet_ofTheCurrentAndThePreviousKey_withNoPrivateMember() throws Exception {
        String body = given().when()
                .get("/jwks")
                .then()
                .statusCode(200)
                .contentType("application/jwk-set+json")
                .extract()
                .asString();

        JsonNode set = JSON.readTree(body);
        assertThat(set.fieldNames()).toIterable().containsExactly("keys");
        List<String> kids = new ArrayList<>();
        for (JsonNode key : set.get("keys")) {
            assertThat(key.fieldNames()).toIterable().doesNotContainAnyElementsOf(PRIVATE_MEMBERS);
            JWK parsed = JWK.parse(key.toString());
            assertThat(parsed.isPrivate()).isFalse();
            assertThat(parsed.toECKey().getCurve()).isEqualTo(Curve.P_256);
            kids.add(key.get("kid").asText());
        }
        assertThat(kids).containsExactly(SigningKeyRotationTest.NEW_KID, PREVIOUS_KID);
        // the private halves appear nowhere in the document
        assertThat(body)
                .doesNotContain(privateD(Path.of("target/test-state/signing/rotated-signing-key.jwk")))
                .doesNotContain(privateD(RotationKey.PRIVATE));
    }

    @Test
    void eachPublishedKey_verifiesWhatItsKidSigned_independentlyAndAsTheKbsResourceItsKidNames() throws Exception {
        JWKSet set = JWKSet.parse(given().when().get("/jwks").then().extract().asString());
        String sealedNow = SealUnsealHttpTest.seal(Map.of("text", "jwks-secret-8e41"));
        String sealedBefore = RotationKey.signer().sign(TestSigner.payloadOf(sealedNow));

        for (String sealed : List.of(sealedNow, sealedBefore)) {
            String kid = (String) TestSigner.headerOf(sealed).get("kid");
            // what `jq '.keys[] | select(.kid=="<kid>")'` keeps
            ECKey published = set.getKeyByKeyId(kid).toECKey();
            JWSObject jws = JWSObject.parse(sealed.substring("sealed.".length()));
            assertThat(jws.verify(new ECDSAVerifier(published))).as(kid).isTrue();

            // stored as the KBS resource the kid names (the test's local mirror of KBS)
            storeAsKbsResource(kid, published.toJSONString());
            SealerHttp.unseal(sealed).then().statusCode(200).body("text", equalTo("jwks-secret-8e41"));
        }
    }

    private static void storeAsKbsResource(String kid, String jwk) {
        Path resource = KBS_RESOURCES.resolve(kid.substring("kbs:///".length()));
        try {
            Files.createDirectories(resource.getParent());
            Files.writeString(resource, jwk, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String privateD(Path jwk) throws IOException {
        return JSON.readTree(Files.readString(jwk, StandardCharsets.UTF_8))
                .get("d")
                .asText();
    }
}
