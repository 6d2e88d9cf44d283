package dev.sealer.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.DirectEncrypter;
import com.nimbusds.jose.crypto.ECDHDecrypter;
import com.nimbusds.jose.crypto.ECDHEncrypter;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.sealer.CallerFaultException;
import dev.sealer.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The one JWE form of the tee profile, against an independent JOSE library (Nimbus): what it writes opens
 * with the recipient's key and names it; what it reads must be ECDH-ES+A256KW with A256GCM to the guest's
 * key, untouched and whole, and every other input is one and the same refusal.
 */
class JweTest {

    private static final byte[] SECRET = "s3cret-for-the-recipient-only".getBytes(StandardCharsets.UTF_8);
    private static ECKey guest;
    private static EllipticCurveJsonWebKey guestForJose4j;

    @BeforeAll
    static void keys() throws Exception {
        guest = new ECKeyGenerator(Curve.P_256).keyID("guest").generate();
        guestForJose4j = (EllipticCurveJsonWebKey) JsonWebKey.Factory.newJwk(guest.toJSONString());
    }

    private static String toGuest(JWEAlgorithm algorithm, EncryptionMethod method, byte[] payload) throws Exception {
        JWEObject jwe = new JWEObject(new JWEHeader(algorithm, method), new Payload(payload));
        jwe.encrypt(new ECDHEncrypter(guest.toECPublicKey()));
        return jwe.serialize();
    }

    private static void assertNotDecrypted(String compact) {
        assertThatThrownBy(() -> Jwe.decrypt(compact, guestForJose4j, "jwe"))
                .isInstanceOfSatisfying(CallerFaultException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.DECRYPTION_FAILED);
                    assertThat(e.getMessage())
                            .isEqualTo(
                                    "field 'jwe': not a compact JWE (ECDH-ES+A256KW, A256GCM) to this guest's seal input key");
                });
    }

    @Test
    void encrypt_opensWithTheRecipientsKey_andNamesItAndTheExtraMembers() throws Exception {
        EllipticCurveJsonWebKey recipient = (EllipticCurveJsonWebKey)
                JsonWebKey.Factory.newJwk(guest.toPublicJWK().toJSONString());

        String compact = Jwe.encrypt(SECRET, recipient, "event_id", "e-1");

        JWEObject parsed = JWEObject.parse(compact);
        assertThat(parsed.getHeader().getAlgorithm()).isEqualTo(JWEAlgorithm.ECDH_ES_A256KW);
        assertThat(parsed.getHeader().getEncryptionMethod()).isEqualTo(EncryptionMethod.A256GCM);
        assertThat(parsed.getHeader().getKeyID()).isEqualTo("guest");
        assertThat(parsed.getHeader().getCustomParam("event_id")).isEqualTo("e-1");
        parsed.decrypt(new ECDHDecrypter(guest));
        assertThat(parsed.getPayload().toBytes()).isEqualTo(SECRET);
        assertThat(compact).doesNotContain("s3cret");
    }

    @Test
    void decrypt_readsTheFormItWrites() throws Exception {
        assertThat(Jwe.decrypt(
                        toGuest(JWEAlgorithm.ECDH_ES_A256KW, EncryptionMethod.A256GCM, SECRET), guestForJose4j, "jwe"))
                .isEqualTo(SECRET);
    }

    @Test
    void wrongKey_isRefused() throws Exception {
        ECKey other = new ECKeyGenerator(Curve.P_256).generate();
        JWEObject jwe = new JWEObject(
                new JWEHeader(JWEAlgorithm.ECDH_ES_A256KW, EncryptionMethod.A256GCM), new Payload(SECRET));
        jwe.encrypt(new ECDHEncrypter(other.toECPublicKey()));

        assertNotDecrypted(jwe.serialize());
    }

    @Test
    void otherAlgorithms_areRefused_beforeAnyKeyIsUsed() throws Exception {
        assertNotDecrypted(toGuest(JWEAlgorithm.ECDH_ES, EncryptionMethod.A256GCM, SECRET));
        assertNotDecrypted(toGuest(JWEAlgorithm.ECDH_ES_A128KW, EncryptionMethod.A256GCM, SECRET));
        assertNotDecrypted(toGuest(JWEAlgorithm.ECDH_ES_A256KW, EncryptionMethod.A128GCM, SECRET));
        assertNotDecrypted(toGuest(JWEAlgorithm.ECDH_ES_A256KW, EncryptionMethod.A256CBC_HS512, SECRET));
        JWEObject direct =
                new JWEObject(new JWEHeader(JWEAlgorithm.DIR, EncryptionMethod.A256GCM), new Payload(SECRET));
        direct.encrypt(new DirectEncrypter(new byte[32]));
        assertNotDecrypted(direct.serialize());
    }

    @Test
    void everyTamperedPart_isRefused() throws Exception {
        String[] parts = toGuest(JWEAlgorithm.ECDH_ES_A256KW, EncryptionMethod.A256GCM, SECRET)
                .split("\\.");
        for (int part = 0; part < parts.length; part++) {
            String[] tampered = parts.clone();
            char first = tampered[part].charAt(0);
            tampered[part] = (first == 'A' ? 'B' : 'A') + tampered[part].substring(1);
            assertNotDecrypted(String.join(".", tampered));
        }
    }

    @Test
    void truncatedEmptyOrOversized_isRefused() throws Exception {
        String compact = toGuest(JWEAlgorithm.ECDH_ES_A256KW, EncryptionMethod.A256GCM, SECRET);
        List<String> inputs = new ArrayList<>(List.of(
                compact.substring(0, compact.lastIndexOf('.')),
                compact.substring(0, compact.length() - 4),
                "",
                "a.b.c.d.e",
                "x".repeat(Jwe.MAX_COMPACT_CHARS + 1)));
        for (String input : inputs) {
            assertNotDecrypted(input);
        }
        assertNotDecrypted(null);
    }
}
