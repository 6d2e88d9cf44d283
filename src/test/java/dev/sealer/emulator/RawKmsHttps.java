package dev.sealer.emulator;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.sealer.credentials.ClientKey;
import dev.sealer.kms.aliyun.instance.RequestSigner;
import dev.sealer.kms.aliyun.instance.proto.Error;
import dev.sealer.testsupport.TestTls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bare HTTPS client for the KMS-instance protocol, independent of the application's REST client:
 * it trusts exactly the certificates of a {@code PrivateKmsCA_<instance>.pem}, verifies the host
 * name, and sends whatever headers and body a test gives it, so that tests can break one part of a
 * request at a time. Signing uses {@link RequestSigner}.
 */
final class RawKmsHttps {

    /** What the server answered. */
    record Answer(int status, byte[] body, String requestIdHeader) {

        Error error() throws InvalidProtocolBufferException {
            return Error.parseFrom(body);
        }
    }

    private final HttpClient http;
    private final URI endpoint;

    RawKmsHttps(URI endpoint, Path caFile) {
        this.endpoint = endpoint;
        this.http = HttpClient.newBuilder()
                .sslContext(TestTls.trusting(caFile))
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** The headers of a correctly signed request, in a mutable map. */
    static Map<String, String> signedHeaders(
            String apiName, String accessKeyId, PrivateKey key, byte[] body, Instant date) {
        return new LinkedHashMap<>(RequestSigner.headers(apiName, accessKeyId, body, date, key));
    }

    /** Signs {@code headers} again as they are now (after a test changed one of them). */
    static Map<String, String> resign(Map<String, String> headers, PrivateKey key) {
        String toSign = RequestSigner.stringToSign(
                "POST",
                headers.getOrDefault(RequestSigner.HEADER_CONTENT_SHA256, ""),
                headers.getOrDefault("content-type", ""),
                headers.getOrDefault("date", ""),
                headers);
        headers.put("authorization", "Bearer " + RequestSigner.sign(toSign, key));
        return headers;
    }

    /** A correctly signed call. */
    Answer call(String apiName, ClientKey clientKey, Message request) {
        byte[] body = request.toByteArray();
        return post(signedHeaders(apiName, clientKey.id(), clientKey.privateKey(), body, Instant.now()), body);
    }

    Answer post(Map<String, String> headers, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint.resolve("/"))
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        try {
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(
                    response.statusCode(),
                    response.body(),
                    response.headers().firstValue("x-kms-requestid").orElse(null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
