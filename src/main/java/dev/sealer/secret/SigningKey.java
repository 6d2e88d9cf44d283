package dev.sealer.secret;

import dev.sealer.ErrorCode;
import dev.sealer.SafeIds;
import dev.sealer.SealerException;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.lang.JoseException;

/**
 * The P-256 key that signs sealed secrets (JWS ES256), with the kid written into every JWS header.
 * The private part ({@code d}) is secret: {@link #toString()} and {@link #publicJwk()} never show it.
 */
public final class SigningKey {

    private final String kid;
    private final EllipticCurveJsonWebKey jwk;

    private SigningKey(String kid, EllipticCurveJsonWebKey jwk) {
        this.kid = SafeIds.require("sealed-secret.signing.kid", kid);
        this.jwk = jwk;
        jwk.setKeyId(kid);
    }

    /** Parses a private P-256 JWK (with {@code d}). */
    public static SigningKey fromJwk(String kid, String jwkJson, String origin) {
        EllipticCurveJsonWebKey ec = parseEcJwk(jwkJson, origin);
        if (ec.getEcPrivateKey() == null) {
            throw new SealerException(ErrorCode.NOT_CONFIGURED, origin + ": the signing JWK has no private part 'd'");
        }
        return new SigningKey(kid, ec);
    }

    /** A fresh key pair, for development and tests. */
    public static SigningKey generate(String kid) {
        try {
            return new SigningKey(kid, EcJwkGenerator.generateJwk(EllipticCurves.P256));
        } catch (JoseException e) {
            throw new IllegalStateException("cannot generate a P-256 key", e);
        }
    }

    /** Parses a P-256 JWK (public or private), rejecting any other key type or curve. */
    static EllipticCurveJsonWebKey parseEcJwk(String json, String origin) {
        JsonWebKey key;
        try {
            key = JsonWebKey.Factory.newJwk(json);
        } catch (JoseException | RuntimeException e) {
            throw new SealerException(ErrorCode.NOT_CONFIGURED, origin + ": not a JWK");
        }
        if (!(key instanceof EllipticCurveJsonWebKey ec) || !EllipticCurves.P_256.equals(ec.getCurveName())) {
            throw new SealerException(ErrorCode.NOT_CONFIGURED, origin + ": not an EC P-256 JWK");
        }
        return ec;
    }

    public String kid() {
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

    /** The verification JWK (no {@code d}), as the CDH keeps it under its kid. */
    public String publicJwk() {
        return jwk.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
    }

    @Override
    public String toString() {
        return "SigningKey[kid=" + kid + ", ES256]";
    }
}
