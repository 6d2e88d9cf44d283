package dev.sealer.emulator;

import dev.sealer.Texts;
import dev.sealer.kms.aliyun.instance.RequestSigner;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;

/**
 * The KMS-instance API's authentication of one request, in the real service's order: signature method,
 * access key id, a {@code date} within the allowed clock skew, the body's {@code content-sha256}, a
 * client key the emulator trusts, and the RSA signature over the string to sign. Each failure is the
 * real service's {@link Refusal}.
 */
final class InstanceAuth {

    private final TrustedClientKeys clientKeys;
    private final Duration maxClockSkew;
    private final Clock clock;

    InstanceAuth(TrustedClientKeys clientKeys, Duration maxClockSkew, Clock clock) {
        this.clientKeys = clientKeys;
        this.maxClockSkew = maxClockSkew;
        this.clock = clock;
    }

    /** Passes when the request is signed by a trusted client key over this body, recently enough. */
    void check(HttpServerRequest request, byte[] body) throws Refusal {
        if (!RequestSigner.SIGNATURE_METHOD.equals(request.getHeader(RequestSigner.HEADER_SIGNATURE_METHOD))) {
            throw new Refusal(400, "InvalidParam", "The Param x-kms-signaturemethod is invalid.");
        }
        String accessKeyId = request.getHeader(RequestSigner.HEADER_ACCESS_KEY_ID);
        if (accessKeyId == null || accessKeyId.isEmpty()) {
            throw new Refusal(400, "MissingParameter", "The Param x-kms-acccesskeyid is missing.");
        }
        String date = request.getHeader("date");
        Instant sent;
        try {
            sent = RequestSigner.parseDate(date == null ? "" : date);
        } catch (DateTimeParseException e) {
            throw new Refusal(400, "InvalidParam", "The Param Date is invalid.");
        }
        if (Duration.between(sent, clock.instant()).abs().compareTo(maxClockSkew) > 0) {
            throw new Refusal(
                    400,
                    "RequestTimeTooSkewed",
                    "The difference between the request time and the server time is too large.");
        }
        String contentSha256 = request.getHeader(RequestSigner.HEADER_CONTENT_SHA256);
        if (contentSha256 == null
                || !MessageDigest.isEqual(
                        contentSha256.getBytes(StandardCharsets.US_ASCII),
                        RequestSigner.contentSha256(body).getBytes(StandardCharsets.US_ASCII))) {
            throw new Refusal(400, "InvalidParam", "The Param Content-SHA256 is invalid.");
        }
        X509Certificate certificate = clientKeys.find(accessKeyId);
        if (certificate == null) {
            throw new Refusal(
                    404, "Unauthorized", "The client key " + Texts.printable(accessKeyId, 64) + " is not found.");
        }
        Map<String, String> headers = new HashMap<>();
        request.headers().forEach(header -> headers.put(header.getKey(), header.getValue()));
        String contentType = request.getHeader("content-type");
        String toSign = RequestSigner.stringToSign(
                "POST", contentSha256, contentType == null ? "" : contentType, date, headers);
        if (!RequestSigner.verify(toSign, request.getHeader("authorization"), certificate.getPublicKey())) {
            throw new Refusal(401, "SignatureNotMatch", "The request signature does not match.");
        }
    }
}
