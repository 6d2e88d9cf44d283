package dev.sealer.kms.aliyun.openapi;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The request signature of Alibaba Cloud's RPC-style OpenAPI ({@code SignatureMethod=HMAC-SHA1},
 * {@code SignatureVersion=1.0}), as the CDH's {@code sts_token} client and Alibaba's SDKs compute it:
 *
 * <pre>
 * canonical     = join("&amp;", percentEncode(name) + "=" + percentEncode(value)), parameters sorted by name
 * stringToSign  = METHOD + "&amp;" + percentEncode("/") + "&amp;" + percentEncode(canonical)
 * Signature     = base64(HMAC-SHA1(key = AccessKeySecret + "&amp;", stringToSign))
 * </pre>
 *
 * Percent-encoding is RFC 3986: only {@code A-Z a-z 0-9 - _ . ~} stay as they are, every other UTF-8
 * byte becomes {@code %XX} (upper-case hex). Names are sorted by their raw form, in code-unit order.
 *
 * <p>Secret: the AccessKeySecret (the HMAC key). The signature authenticates every parameter
 * (including the SecurityToken and the timestamp) but not the headers or the host. The emulator
 * verifies with the same functions.
 */
public final class RpcSigner {

    public static final String SIGNATURE_METHOD = "HMAC-SHA1";
    public static final String SIGNATURE_VERSION = "1.0";
    public static final String SIGNATURE = "Signature";
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private RpcSigner() {}

    /** The {@code Timestamp} parameter: ISO 8601 in UTC to the second, e.g. {@code 2026-11-28T19:20:53Z}. */
    public static String timestamp(Instant instant) {
        return TIMESTAMP.format(instant);
    }

    /** RFC 3986 percent-encoding of the UTF-8 bytes of {@code text}, as the RPC signature requires. */
    public static String percentEncode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(bytes.length + 16);
        for (byte b : bytes) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z')
                    || (c >= 'a' && c <= 'z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '_'
                    || c == '.'
                    || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        return out.toString();
    }

    /**
     * The canonical query: every parameter except {@code Signature}, sorted by name, each
     * {@code name=value} percent-encoded, joined by {@code &}.
     */
    public static String canonicalQuery(Map<String, String> parameters) {
        StringBuilder out = new StringBuilder(512);
        new TreeMap<>(parameters).forEach((name, value) -> {
            if (SIGNATURE.equals(name)) {
                return;
            }
            if (out.length() > 0) {
                out.append('&');
            }
            out.append(percentEncode(name)).append('=').append(percentEncode(value == null ? "" : value));
        });
        return out.toString();
    }

    /** {@code METHOD&%2F&<percent-encoded canonical query>}. */
    public static String stringToSign(String method, Map<String, String> parameters) {
        return method + "&" + percentEncode("/") + "&" + percentEncode(canonicalQuery(parameters));
    }

    /** Standard base64 of HMAC-SHA1 over the string to sign, keyed with {@code accessKeySecret + "&"}. */
    public static String sign(String stringToSign, String accessKeySecret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec((accessKeySecret + "&").getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA1 is unavailable", e);
        }
    }

    /** The signature of a POST with these parameters. */
    public static String signPost(Map<String, String> parameters, String accessKeySecret) {
        return sign(stringToSign("POST", parameters), accessKeySecret);
    }

    /** Compares a received signature with the expected one in constant time; false for null. */
    public static boolean matches(String received, String expected) {
        return received != null
                && MessageDigest.isEqual(
                        received.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
    }
}
