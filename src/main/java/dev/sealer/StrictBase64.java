package dev.sealer;

import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Base64 decoding that accepts exactly one form, as the sealed-secret format prescribes: the outer
 * JWS parts are base64url without padding, the fields inside the payload standard base64 with
 * padding (SPEC 1 and 3b). The JDK decoders are lenient about padding; this class is not.
 */
public final class StrictBase64 {

    private static final Pattern STANDARD = Pattern.compile("(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?");
    private static final Pattern URL_NO_PADDING = Pattern.compile("[A-Za-z0-9_-]*");

    private StrictBase64() {
    }

    /** Decodes standard base64 with padding; {@code field} names the field in the error. */
    public static byte[] decodeStandard(String field, String value) {
        if (value == null || !STANDARD.matcher(value).matches()) {
            throw new SealerException(ErrorCode.INVALID_BASE64, "field '" + field + "': not standard base64 with padding");
        }
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new SealerException(ErrorCode.INVALID_BASE64, "field '" + field + "': not standard base64 with padding");
        }
    }

    /** Decodes base64url without padding (a JWS part); {@code part} names the part in the error. */
    public static byte[] decodeUrl(String part, String value) {
        if (value == null || !URL_NO_PADDING.matcher(value).matches() || value.length() % 4 == 1) {
            throw new SealerException(ErrorCode.MALFORMED_SEALED_SECRET, part + ": not base64url without padding");
        }
        try {
            return Base64.getUrlDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new SealerException(ErrorCode.MALFORMED_SEALED_SECRET, part + ": not base64url without padding");
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
