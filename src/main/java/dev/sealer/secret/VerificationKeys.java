package dev.sealer.secret;

import java.security.interfaces.ECPublicKey;

/** Finds the public key that verifies a sealed secret, by the kid in its JWS header. */
public interface VerificationKeys {

    /**
     * @param kid an already validated kid (see {@link dev.sealer.SafeIds})
     * @return the P-256 public key
     * @throws dev.sealer.SealerException {@code UNKNOWN_KID} when no key has that kid
     */
    ECPublicKey find(String kid);
}
