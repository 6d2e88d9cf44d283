package dev.sealer.secret;

import java.security.Provider;

/**
 * Who verifies the ES256 signatures of sealed secrets: Bouncy Castle's P-256 arithmetic (the default), or a
 * native JCA provider set here at start (AWS-LC, {@code sealer.crypto-provider=accp}). The checks around the
 * arithmetic do not change with it (signature length, R and S in range, the key a valid P-256 point, low S
 * where required), and should the provider fail to serve, Bouncy Castle verifies. Signing stays on Bouncy
 * Castle (deterministic nonces, RFC 6979).
 */
public final class Es256Verification {

    private Es256Verification() {}

    /** @param provider the provider that verifies from now on, or null for Bouncy Castle */
    public static void useProvider(Provider provider) {
        Es256.verifyWith(provider);
    }
}
