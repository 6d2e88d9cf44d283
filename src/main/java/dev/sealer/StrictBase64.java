package dev.sealer;

import java.util.Base64;

/**
 * Base64 decoding that accepts exactly one form, as the sealed-secret format prescribes: the outer
 * JWS parts are base64url without padding, the fields inside the payload standard base64 with
 * padding (docs/FORMAT.md, "The sealed secret"). The JDK decoders are lenient about padding; this class is not.
 *
 * <p>Only the canonical encoding is accepted: the unused low bits of the last character must be
 * zero (RFC 4648 section 3.5), as the CDH's decoders (Rust {@code base64} {@code STANDARD} and
 * {@code URL_SAFE_NO_PAD}) require. Otherwise several strings decode to the same bytes, e.g. a
 * sealed secret's signature part could be altered and still verify.
 */
public final class StrictBase64 {

    private StrictBase64() {}

    /** Decodes standard base64 with padding; {@code field} names the field in the error. */
    public static byte[] decodeStandard(String field, String value) {
        String notStandard = "field '" + field + "': not standard base64 with padding";
        byte[] bytes = decode(Base64.getDecoder(), value, ErrorCode.INVALID_BASE64, notStandard);
        // The JDK decoder is lenient (padding optional, any unused bits): only the canonical form encodes back to the
        // input.
        String canonical = encodeStandard(bytes);
        if (!canonical.equals(value)) {
            throw new CallerFaultException(
                    ErrorCode.INVALID_BASE64,
                    canonical.length() != value.length()
                            ? notStandard
                            : "field '" + field + "': not canonical base64 (unused bits set)");
        }
        return bytes;
    }

    /** Decodes base64url without padding (a JWS part); {@code part} names the part in the error. */
    public static byte[] decodeUrl(String part, String value) {
        String notUrl = part + ": not base64url without padding";
        byte[] bytes = decode(Base64.getUrlDecoder(), value, ErrorCode.MALFORMED_SEALED_SECRET, notUrl);
        String canonical = encodeUrl(bytes);
        if (!canonical.equals(value)) {
            throw new CallerFaultException(
                    ErrorCode.MALFORMED_SEALED_SECRET,
                    canonical.length() != value.length()
                            ? notUrl
                            : part + ": not canonical base64url (unused bits set)");
        }
        return bytes;
    }

    /** Decodes with the JDK's decoder, which rejects characters outside its alphabet and impossible lengths. */
    private static byte[] decode(Base64.Decoder decoder, String value, ErrorCode code, String message) {
        if (value == null) {
            throw new CallerFaultException(code, message);
        }
        try {
            return decoder.decode(value);
        } catch (IllegalArgumentException e) {
            throw new CallerFaultException(code, message);
        }
    }

    public static String encodeStandard(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    public static String encodeUrl(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The length of the standard base64 (with padding) of {@code byteCount} bytes. */
    public static long standardLength(long byteCount) {
        return (byteCount + 2) / 3 * 4;
    }
}
