package dev.sealer.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.sealer.ErrorCode;
import dev.sealer.ServiceFaultException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The published JWK Set: public members only, whatever the inputs held; rotation keys read strictly. */
class PublishedKeysTest {

    /** Every private or symmetric member RFC 7518 defines for EC, RSA and oct keys. */
    static final Set<String> PRIVATE_MEMBERS = Set.of("d", "p", "q", "dp", "dq", "qi", "oth", "k");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CURRENT_KID = "kbs:///default/sealed-secret/current";
    private static final String OLD_KID = "kbs:///default/sealed-secret/previous";

    @Test
    void set_holdsTheCurrentKeyFirst_thenTheRotationKeys_publicMembersOnly() throws Exception {
        SigningKey current = SigningKey.generate(CURRENT_KID);
        ECKey old = new ECKeyGenerator(Curve.P_256).keyID(OLD_KID).generate();
        PublishedKeys.Entry rotation =
                PublishedKeys.parseRotationKey(old.toPublicJWK().toJSONString(), "test");

        PublishedKeys keys = PublishedKeys.of(
                Optional.of(new PublishedKeys.Entry(current.kid(), current.publicKey())), List.of(rotation));

        assertThat(keys.kids()).containsExactly(CURRENT_KID, OLD_KID);
        JsonNode set = JSON.readTree(keys.json());
        assertThat(set.fieldNames()).toIterable().containsExactly("keys");
        for (JsonNode key : set.get("keys")) {
            assertThat(key.fieldNames())
                    .toIterable()
                    .containsExactlyInAnyOrder("kty", "crv", "x", "y", "kid", "alg", "use")
                    .doesNotContainAnyElementsOf(PRIVATE_MEMBERS);
            assertThat(key.get("alg").asText()).isEqualTo("ES256");
            assertThat(key.get("use").asText()).isEqualTo("sig");
        }
        JWKSet parsed = JWKSet.parse(new String(keys.json(), java.nio.charset.StandardCharsets.UTF_8));
        assertThat(parsed.getKeyByKeyId(CURRENT_KID).toECKey().toECPublicKey()).isEqualTo(current.publicKey());
        assertThat(parsed.getKeyByKeyId(OLD_KID).toECKey().toECPublicKey()).isEqualTo(old.toECPublicKey());
        assertThat(parsed.getKeys()).noneMatch(com.nimbusds.jose.jwk.JWK::isPrivate);
        // and the private part of the current key is nowhere in the document
        assertThat(new String(keys.json(), java.nio.charset.StandardCharsets.UTF_8))
                .doesNotContain(JSON.readTree(current.privateJwk()).get("d").asText());
    }

    @Test
    void withoutASigningKey_theSetHoldsOnlyTheRotationKeys_orNothing() throws Exception {
        assertThat(JSON.readTree(PublishedKeys.of(Optional.empty(), List.of()).json()))
                .isEqualTo(JSON.readTree("{\"keys\":[]}"));
    }

    @Test
    void rotationKey_withAPrivatePart_isRefused() throws Exception {
        ECKey withD = new ECKeyGenerator(Curve.P_256).keyID(OLD_KID).generate();
        assertNotConfigured(withD.toJSONString(), "private part");
    }

    @Test
    void rotationKey_withoutAKid_orWithAKidThatIsNone_isRefused() throws Exception {
        ECKey noKid = new ECKeyGenerator(Curve.P_256).generate().toPublicJWK();
        assertNotConfigured(noKid.toJSONString(), "no 'kid'");
        ECKey badKid =
                new ECKeyGenerator(Curve.P_256).keyID("/etc/passwd").generate().toPublicJWK();
        assertNotConfigured(badKid.toJSONString(), "not a kid");
    }

    @Test
    void rotationKey_ofAnotherTypeOrCurve_orNotJson_isRefused() throws Exception {
        RSAKey rsa = new RSAKeyGenerator(2048).keyID(OLD_KID).generate().toPublicJWK();
        assertNotConfigured(rsa.toJSONString(), "P-256");
        ECKey p384 = new ECKeyGenerator(Curve.P_384).keyID(OLD_KID).generate().toPublicJWK();
        assertNotConfigured(p384.toJSONString(), "P-256");
        assertNotConfigured("{\"kid\":\"a\",\"kid\":\"b\"}", "not JSON");
        assertNotConfigured("[]", "not a JSON object");
    }

    @Test
    void aKidPublishedTwice_isRefused() throws Exception {
        SigningKey current = SigningKey.generate(CURRENT_KID);
        ECKey sameKid = new ECKeyGenerator(Curve.P_256).keyID(CURRENT_KID).generate();
        PublishedKeys.Entry rotation =
                PublishedKeys.parseRotationKey(sameKid.toPublicJWK().toJSONString(), "test");

        assertThatThrownBy(() -> PublishedKeys.of(
                        Optional.of(new PublishedKeys.Entry(current.kid(), current.publicKey())), List.of(rotation)))
                .isInstanceOf(ServiceFaultException.class)
                .hasMessageContaining("published twice");
        assertThatThrownBy(() -> PublishedKeys.of(Optional.empty(), List.of(rotation, rotation)))
                .isInstanceOf(ServiceFaultException.class);
    }

    private static void assertNotConfigured(String json, String message) {
        assertThatThrownBy(() -> PublishedKeys.parseRotationKey(json, "rotation key test.jwk"))
                .isInstanceOfSatisfying(
                        ServiceFaultException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.NOT_CONFIGURED))
                .hasMessageContaining("sealed-secret.signing.previous-public-keys")
                .hasMessageContaining(message);
    }
}
