package dev.sealer.testsupport;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

/**
 * Signs arbitrary sealed-secret payloads with Nimbus JOSE (independent of the production JWS code),
 * to build malformed or unusual sealed secrets that the production {@code seal} would never write.
 */
public final class TestSigner {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ECKey key;
    private final String kid;

    private TestSigner(ECKey key, String kid) {
        this.key = key;
        this.kid = kid;
    }

    /** The application's own signing key, from its JWK file. */
    public static TestSigner fromJwkFile(Path file, String kid) {
        try {
            return new TestSigner(ECKey.parse(Files.readString(file, StandardCharsets.UTF_8)), kid);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh P-256 key that no verifier knows, under the given kid. */
    public static TestSigner random(String kid) {
        try {
            return new TestSigner(new ECKeyGenerator(Curve.P_256).generate(), kid);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public ECKey key() {
        return key;
    }

    public String sign(Map<String, ?> payload) {
        try {
            return sign(JSON.writeValueAsBytes(payload));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public String sign(byte[] payload) {
        return signWithKid(payload, kid);
    }

    public String signWithKid(byte[] payload, String headerKid) {
        try {
            JWSObject jws = new JWSObject(
                    new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(headerKid).build(), new Payload(payload));
            jws.sign(new ECDSASigner(key));
            return "sealed." + jws.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The payload JSON of a sealed secret, decoded without verification. */
    public static Map<String, Object> payloadOf(String sealed) {
        try {
            String part = sealed.split("\\.")[2];
            @SuppressWarnings("unchecked")
            Map<String, Object> payload = JSON.readValue(Base64.getUrlDecoder().decode(part), Map.class);
            return payload;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The JWS header of a sealed secret, decoded without verification. */
    public static Map<String, Object> headerOf(String sealed) {
        try {
            String part = sealed.split("\\.")[1];
            @SuppressWarnings("unchecked")
            Map<String, Object> header = JSON.readValue(Base64.getUrlDecoder().decode(part), Map.class);
            return header;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The legacy unsigned form for a payload. */
    public static String legacy(Map<String, ?> payload) {
        try {
            return "sealed.fakejwsheader."
                    + Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(payload))
                    + ".fakesignature";
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
