package dev.sealer.secret;

import dev.sealer.CallerFaultException;
import dev.sealer.ErrorCode;
import java.util.Objects;

/**
 * The JWS side of opening a sealed secret: bounds its length, splits it, verifies its ES256 signature against the
 * kid's key (or, only with the explicit skip switch, merely decodes it) and parses the payload, the version
 * first. Nothing in the payload is used before the signature has verified. The legacy unsigned form is refused
 * with {@code SIGNATURE_REQUIRED} unless verification is skipped.
 */
final class SealedSecretVerifier {

    private final VerificationKeys keys;
    private final SecretSealer.Options options;

    SealedSecretVerifier(VerificationKeys keys, SecretSealer.Options options) {
        this.keys = Objects.requireNonNull(keys);
        this.options = Objects.requireNonNull(options);
    }

    /** The payload, verified (or, with the explicit skip switch, merely decoded), the version checked first. */
    SealedSecretPayload payload(String sealed) {
        return SealedSecretPayload.parse(payloadJson(sealed, !options.skipVerification()));
    }

    /**
     * The payload bytes, verified even where verification is skipped (a stock CDH verifies); the legacy unsigned
     * form only with the skip switch. Nothing is decrypted and no KMS is called: for {@code check}.
     */
    byte[] verifiedPayloadJson(String sealed) {
        return payloadJson(sealed, true);
    }

    private byte[] payloadJson(String sealed, boolean verifySigned) {
        if (sealed == null) {
            throw new CallerFaultException(ErrorCode.INVALID_REQUEST, "field 'sealed': required");
        }
        if (sealed.length() > options.limits().maxSealedChars() + 1024) {
            throw new CallerFaultException(
                    ErrorCode.PAYLOAD_TOO_LARGE,
                    "field 'sealed': longer than a sealed secret of "
                            + options.limits().maxSecretBytes() + " bytes can be");
        }
        SealedSecretJws.Parts parts = SealedSecretJws.split(sealed.strip());
        if (parts.isLegacy() && !options.skipVerification()) {
            throw new CallerFaultException(
                    ErrorCode.SIGNATURE_REQUIRED,
                    "the sealed secret is unsigned (legacy form) and signature verification is on");
        }
        return parts.isLegacy() || !verifySigned
                ? SealedSecretJws.unverifiedPayload(parts)
                : SealedSecretJws.verify(parts, keys, options.requireLowS());
    }
}
