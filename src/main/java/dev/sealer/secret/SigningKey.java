package dev.sealer.secret;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealer.ErrorCode;
import dev.sealer.Json;
import dev.sealer.ServiceFaultException;
import java.io.IOException;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.Base64;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.lang.JoseException;

/**
 * The P-256 key that signs sealed secrets (JWS ES256), with the kid written into every JWS header
 * (a KBS resource URI or a file name, see {@link Kid}). The private part ({@code d}) is secret:
 * {@link #toString()} and {@link #publicJwk()} never show it.
 */
public final class SigningKey {

    private static final ObjectMapper JSON = Json.MAPPER;

    private final Kid kid;
    private final EllipticCurveJsonWebKey jwk;

    private SigningKey(Kid kid, EllipticCurveJsonWebKey jwk) {
        this.kid = kid;
        this.jwk = jwk;
    }

    /**
     * Parses a private P-256 JWK (with {@code d}).
     *
     * @param kid the kid to sign with (the JWK's own {@code kid} is ignored, as the CDH ignores it)
     * @param origin where the JWK came from, for the log
     */
    public static SigningKey fromJwk(String kid, String jwkJson, String origin) {
        EllipticCurveJsonWebKey ec = parseEcJwk(jwkJson, origin);
        if (ec.getEcPrivateKey() == null) {
            throw notConfigured("the signing JWK has no private part 'd'", origin);
        }
        return new SigningKey(parseKid(kid), ec);
    }

    /** A fresh key pair, for development and tests. */
    public static SigningKey generate(String kid) {
        try {
            return new SigningKey(parseKid(kid), EcJwkGenerator.generateJwk(EllipticCurves.P256));
        } catch (JoseException e) {
            throw new IllegalStateException("cannot generate a P-256 key", e);
        }
    }

    private static Kid parseKid(String kid) {
        try {
            return Kid.parse(kid);
        } catch (RuntimeException e) {
            throw new ServiceFaultException(
                    ErrorCode.NOT_CONFIGURED, "sealed-secret.signing.kid: " + e.getMessage(), null, e);
        }
    }

    /**
     * Parses a P-256 public JWK as the CDH does: {@code kty} EC, {@code crv} P-256, {@code x} and
     * {@code y} of exactly 32 bytes; its {@code kid}, {@code alg} and {@code use} are ignored, and a
     * private part, if present, is not used.
     */
    static ECPublicKey parsePublicJwk(String json, String origin) {
        EllipticCurveJsonWebKey ec = parseEcJwk(json, origin);
        try {
            JsonNode node = JSON.readTree(json);
            for (String coordinate : new String[] {"x", "y"}) {
                if (Base64.getUrlDecoder().decode(node.get(coordinate).asText()).length != 32) {
                    throw notConfigured("a verification key's '" + coordinate + "' is not 32 bytes", origin);
                }
            }
        } catch (IOException | IllegalArgumentException | NullPointerException e) {
            throw notConfigured("a verification key is not a P-256 JWK", origin);
        }
        return ec.getECPublicKey();
    }

    /** Parses a P-256 JWK (public or private), rejecting any other key type or curve. */
    private static EllipticCurveJsonWebKey parseEcJwk(String json, String origin) {
        JsonWebKey key;
        try {
            key = JsonWebKey.Factory.newJwk(json);
        } catch (JoseException | RuntimeException e) {
            throw notConfigured("a key is not a JWK", origin);
        }
        if (!(key instanceof EllipticCurveJsonWebKey ec) || !EllipticCurves.P_256.equals(ec.getCurveName())) {
            throw notConfigured("a key is not an EC P-256 JWK", origin);
        }
        return ec;
    }

    private static ServiceFaultException notConfigured(String message, String origin) {
        return new ServiceFaultException(ErrorCode.NOT_CONFIGURED, message, origin, null);
    }

    public Kid kid() {
        return kid;
    }

    ECPrivateKey privateKey() {
        return jwk.getEcPrivateKey();
    }

    public ECPublicKey publicKey() {
        return jwk.getECPublicKey();
    }

    /** The JWK with its private part; secret. */
    public String privateJwk() {
        return jwk.toJson(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE);
    }

    /** The verification JWK (no {@code d}), as the CDH fetches it by its kid. */
    public String publicJwk() {
        return jwk.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
    }

    @Override
    public String toString() {
        return "SigningKey[kid=" + kid.value() + ", ES256]";
    }
}
