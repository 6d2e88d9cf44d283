package dev.sealer.kms.aliyun.instance;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The request authentication of the KMS-instance API {@code dkms-gcs-0.2} (docs/FORMAT.md, "Request signing"), as Alibaba's
 * SDKs implement it: the canonical string to sign and the {@code Bearer} SHA256withRSA signature
 * made with the client key. The emulator verifies with the same canonicalization.
 *
 * <p>String to sign (LF separated, no trailing LF): method, content-sha256 (upper-case hex),
 * content type, date (RFC 1123, GMT), every {@code x-kms-*} header as {@code name:trimmed-value}
 * sorted by name, then the resource {@code /}.
 */
public final class RequestSigner {

    public static final String API_VERSION = "dkms-gcs-0.2";
    public static final String SIGNATURE_METHOD = "RSA_PKCS1_SHA_256";
    public static final String CONTENT_TYPE = "application/x-protobuf";
    public static final String HEADER_API_NAME = "x-kms-apiname";
    public static final String HEADER_API_VERSION = "x-kms-apiversion";
    public static final String HEADER_SIGNATURE_METHOD = "x-kms-signaturemethod";
    /** Sic: three c's. This misspelling is the real header name. */
    public static final String HEADER_ACCESS_KEY_ID = "x-kms-acccesskeyid";

    public static final String HEADER_CONTENT_SHA256 = "content-sha256";
    public static final String USER_AGENT = "aliyun-kms-sealer/0.1 (dkms-gcs-0.2)";

    private static final String KMS_HEADER_PREFIX = "x-kms-";
    private static final String BEARER = "Bearer ";
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern(
                    "EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
            .withZone(ZoneOffset.UTC);

    private RequestSigner() {}

    /**
     * Every header of an authenticated request except {@code host} and {@code content-length},
     * which the HTTP client sets from the connection and the body.
     */
    public static Map<String, String> headers(
            String apiName, String accessKeyId, byte[] body, Instant now, PrivateKey key) {
        return headers(apiName, accessKeyId, body, now, new ProviderKey(key));
    }

    /** As above, with the key kept per signing provider across calls ({@link SigningFilter}). */
    static Map<String, String> headers(String apiName, String accessKeyId, byte[] body, Instant now, ProviderKey key) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("accept", CONTENT_TYPE);
        headers.put("content-type", CONTENT_TYPE);
        headers.put(HEADER_CONTENT_SHA256, contentSha256(body));
        headers.put("date", formatDate(now));
        headers.put("user-agent", USER_AGENT);
        headers.put(HEADER_API_VERSION, API_VERSION);
        headers.put(HEADER_API_NAME, apiName);
        headers.put(HEADER_SIGNATURE_METHOD, SIGNATURE_METHOD);
        headers.put(HEADER_ACCESS_KEY_ID, accessKeyId);
        String toSign =
                stringToSign("POST", headers.get(HEADER_CONTENT_SHA256), CONTENT_TYPE, headers.get("date"), headers);
        headers.put("authorization", BEARER + sign(toSign, key));
        return headers;
    }

    /** Upper-case hex SHA-256 of the body. */
    public static String contentSha256(byte[] body) {
        try {
            return HexFormat.of()
                    .withUpperCase()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The {@code date} header, RFC 1123 in GMT. Formatted once per second: formatting is not cheap. */
    public static String formatDate(Instant instant) {
        FormattedDate last = lastDate;
        if (last.epochSecond == instant.getEpochSecond()) {
            return last.text;
        }
        String text = DATE.format(instant);
        lastDate = new FormattedDate(instant.getEpochSecond(), text);
        return text;
    }

    private record FormattedDate(long epochSecond, String text) {}

    private static volatile FormattedDate lastDate = new FormattedDate(Long.MIN_VALUE, "");

    /** Parses a {@code date} header; throws {@link java.time.format.DateTimeParseException} if it is not RFC 1123 GMT. */
    public static Instant parseDate(String date) {
        return Instant.from(DateTimeFormatter.RFC_1123_DATE_TIME.parse(date));
    }

    /**
     * @param headers all request headers; only {@code x-kms-*} ones (any case) are taken
     */
    public static String stringToSign(
            String method, String contentSha256, String contentType, String date, Map<String, String> headers) {
        TreeMap<String, String> kmsHeaders = new TreeMap<>();
        headers.forEach((name, value) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.startsWith(KMS_HEADER_PREFIX)) {
                kmsHeaders.put(lower, value == null ? "" : value.trim());
            }
        });
        StringBuilder text = new StringBuilder(256)
                .append(method)
                .append('\n')
                .append(contentSha256)
                .append('\n')
                .append(contentType)
                .append('\n')
                .append(date)
                .append('\n');
        kmsHeaders.forEach(
                (name, value) -> text.append(name).append(':').append(value).append('\n'));
        return text.append('/').toString();
    }

    /** Standard base64 of SHA256withRSA (PKCS#1 v1.5) over the UTF-8 string to sign. */
    public static String sign(String stringToSign, PrivateKey key) {
        return sign(stringToSign, new ProviderKey(key));
    }

    private static String sign(String stringToSign, ProviderKey key) {
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            // getProvider() settles on the first provider serving SHA256withRSA; the key is then its own object
            signature.initSign(key.forProvider(signature.getProvider()));
            signature.update(stringToSign.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a KMS request with the client key", e);
        }
    }

    /**
     * Verifies an {@code authorization} header value ({@code Bearer <base64>}).
     *
     * @return false for any malformed value or failed verification
     */
    public static boolean verify(String stringToSign, String authorization, PublicKey key) {
        if (authorization == null || !authorization.startsWith(BEARER)) {
            return false;
        }
        try {
            byte[] signatureBytes = Base64.getDecoder()
                    .decode(authorization.substring(BEARER.length()).trim());
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initVerify(key);
            signature.update(stringToSign.getBytes(StandardCharsets.UTF_8));
            return signature.verify(signatureBytes);
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return false;
        }
    }
}
