package dev.sealer.secret;

import java.security.interfaces.ECPublicKey;

/** Finds the public key that verifies a sealed secret, by the kid in its JWS header. */
public interface VerificationKeys {

    /**
     * @param kid the parsed kid (untrusted input, validated for form only)
     * @return the P-256 public key
     * @throws dev.sealer.CallerFaultException {@code UNKNOWN_KID} when no key has that kid
     * @throws dev.sealer.ServiceFaultException {@code VERIFICATION_KEY_UNAVAILABLE} when the key's
     *     source cannot be reached, {@code NOT_CONFIGURED} when the key found is not a P-256 JWK
     */
    ECPublicKey find(Kid kid);
}
