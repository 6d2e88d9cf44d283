package dev.sealer;

import java.util.Base64;
import java.util.regex.Pattern;

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

    private static final Pattern STANDARD =
            Pattern.compile("(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?");
    private static final Pattern URL_NO_PADDING = Pattern.compile("[A-Za-z0-9_-]*");

    private StrictBase64() {}

    /** Decodes standard base64 with padding; {@code field} names the field in the error. */
    public static byte[] decodeStandard(String field, String value) {
        if (value == null || !STANDARD.matcher(value).matches()) {
            throw new CallerFaultException(
                    ErrorCode.INVALID_BASE64, "field '" + field + "': not standard base64 with padding");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new CallerFaultException(
                    ErrorCode.INVALID_BASE64, "field '" + field + "': not standard base64 with padding");
        }
        if (!encodeStandard(bytes).equals(value)) {
            throw new CallerFaultException(
                    ErrorCode.INVALID_BASE64, "field '" + field + "': not canonical base64 (unused bits set)");
        }
        return bytes;
    }

    /** Decodes base64url without padding (a JWS part); {@code part} names the part in the error. */
    public static byte[] decodeUrl(String part, String value) {
        if (value == null || !URL_NO_PADDING.matcher(value).matches() || value.length() % 4 == 1) {
            throw new CallerFaultException(ErrorCode.MALFORMED_SEALED_SECRET, part + ": not base64url without padding");
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new CallerFaultException(ErrorCode.MALFORMED_SEALED_SECRET, part + ": not base64url without padding");
        }
        if (!encodeUrl(bytes).equals(value)) {
            throw new CallerFaultException(
                    ErrorCode.MALFORMED_SEALED_SECRET, part + ": not canonical base64url (unused bits set)");
        }
        return bytes;
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
