package dev.sealer.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.sealer.credentials.ClientKey;
import dev.sealer.credentials.CredentialFiles;
import dev.sealer.kms.aliyun.instance.RequestSigner;
import dev.sealer.kms.aliyun.instance.proto.EncryptRequest;
import dev.sealer.kms.aliyun.instance.proto.EncryptResponse;
import dev.sealer.kms.aliyun.instance.proto.Error;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The emulator's protocol checks, seen from a bare HTTPS client: each test sends a request that is
 * correct (signed with the emulator's client key) except for one thing, and expects the HTTP status
 * and {@code ErrorCode} of docs/FORMAT.md ("Errors, retries and time"). Every answer, success or error, is a protobuf message
 * with a non-empty {@code RequestId}.
 */
class EmulatorProtocolTest {

    @TempDir
    static Path directory;

    private static EmulatorServer server;
    private static ClientKey clientKey;
    private static RawKmsHttps https;

    private final byte[] body = EncryptRequest.newBuilder()
            .setKeyId(TestEmulators.KEY_1)
            .setPlaintext(ByteString.copyFrom("a data key".getBytes(StandardCharsets.US_ASCII)))
            .setAlgorithm("AES_GCM")
            .build()
            .toByteArray();

    @BeforeAll
    static void start() {
        server = TestEmulators.startSeeded(directory);
        clientKey = CredentialFiles.parseClientKey(
                CredentialFiles.read(directory.resolve(CredentialFiles.clientKeyFileName(TestEmulators.CLIENT_KEY_ID))),
                CredentialFiles.read(directory.resolve(CredentialFiles.passwordFileName(TestEmulators.CLIENT_KEY_ID))),
                TestEmulators.CLIENT_KEY_ID,
                "emulator client key");
        https = new RawKmsHttps(
                server.endpoint(), directory.resolve(CredentialFiles.caFileName(TestEmulators.INSTANCE_ID)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private Map<String, String> signed(String apiName, byte[] signedBody, Instant date) {
        return RawKmsHttps.signedHeaders(apiName, clientKey.id(), clientKey.privateKey(), signedBody, date);
    }

    private Map<String, String> signed() {
        return signed("Encrypt", body, Instant.now());
    }

    /** A refusal: status, code, and the protobuf Error's own fields consistent with the HTTP answer. */
    private static Error assertRefused(RawKmsHttps.Answer answer, int status, String errorCode) throws Exception {
        assertThat(answer.status()).as("HTTP status").isEqualTo(status);
        Error error = answer.error();
        assertThat(error.getErrorCode()).isEqualTo(errorCode);
        assertThat(error.getStatusCode()).isEqualTo(status);
        assertThat(error.getErrorMessage()).isNotBlank();
        assertThat(error.getRequestId()).isNotBlank().isEqualTo(answer.requestIdHeader());
        return error;
    }

    @Test
    void correctlySignedEncrypt_isAnsweredWithAnEncryptResponse() throws Exception {
        RawKmsHttps.Answer answer = https.post(signed(), body);

        assertThat(answer.status()).isEqualTo(200);
        EncryptResponse response = EncryptResponse.parseFrom(answer.body());
        assertThat(response.getKeyId()).isEqualTo(TestEmulators.KEY_1);
        assertThat(response.getIv().size()).isEqualTo(12);
        assertThat(response.getCiphertextBlob().isEmpty()).isFalse();
        assertThat(response.getRequestId()).isNotBlank().isEqualTo(answer.requestIdHeader());
    }

    @Test
    void twoAnswers_haveDifferentRequestIds() throws Exception {
        String first =
                EncryptResponse.parseFrom(https.post(signed(), body).body()).getRequestId();
        String second =
                EncryptResponse.parseFrom(https.post(signed(), body).body()).getRequestId();

        assertThat(second).isNotEqualTo(first);
    }

    @Test
    void wrongApiVersion_isRefusedInvalidApiVersion() throws Exception {
        Map<String, String> headers = signed();
        headers.put(RequestSigner.HEADER_API_VERSION, "dkms-gcs-0.1");

        assertRefused(https.post(RawKmsHttps.resign(headers, clientKey.privateKey()), body), 400, "InvalidApiVersion");
    }

    @Test
    void unknownApiName_isRefusedInvalidApiName() throws Exception {
        Map<String, String> headers = signed("ListKeys", body, Instant.now());

        assertRefused(https.post(headers, body), 400, "InvalidApiName");
    }

    @Test
    void missingApiName_isRefusedInvalidApiName() throws Exception {
        // neither an instance-API name nor an OpenAPI form: the instance API refuses it (it used to get no answer)
        Map<String, String> headers = signed();
        headers.remove(RequestSigner.HEADER_API_NAME);

        assertRefused(https.post(RawKmsHttps.resign(headers, clientKey.privateKey()), body), 400, "InvalidApiName");
    }

    @Test
    void missingAccessKeyId_isRefusedMissingParameter() throws Exception {
        Map<String, String> headers = signed();
        headers.remove(RequestSigner.HEADER_ACCESS_KEY_ID);

        assertRefused(https.post(RawKmsHttps.resign(headers, clientKey.privateKey()), body), 400, "MissingParameter");
    }

    @Test
    void unsupportedSignatureMethod_isRefusedInvalidParam() throws Exception {
        Map<String, String> headers = signed();
        headers.put(RequestSigner.HEADER_SIGNATURE_METHOD, "HMAC_SHA_256");

        assertRefused(https.post(RawKmsHttps.resign(headers, clientKey.privateKey()), body), 400, "InvalidParam");
    }

    @Test
    void contentSha256NotMatchingTheBody_isRefusedInvalidParam() throws Exception {
        byte[] otherBody = Arrays.copyOf(body, body.length);
        otherBody[otherBody.length - 1] ^= 1;

        assertRefused(https.post(signed(), otherBody), 400, "InvalidParam");
    }

    @Test
    void dateThatIsNotRfc1123_isRefusedInvalidParam() throws Exception {
        Map<String, String> headers = signed();
        headers.put("date", Instant.now().toString());

        assertRefused(https.post(RawKmsHttps.resign(headers, clientKey.privateKey()), body), 400, "InvalidParam");
    }

    @Test
    void date16MinutesOff_isRefusedRequestTimeTooSkewed() throws Exception {
        Map<String, String> headers = signed("Encrypt", body, Instant.now().minus(Duration.ofMinutes(16)));

        assertRefused(https.post(headers, body), 400, "RequestTimeTooSkewed");
    }

    @Test
    void date16MinutesAhead_isRefusedRequestTimeTooSkewed() throws Exception {
        Map<String, String> headers = signed("Encrypt", body, Instant.now().plus(Duration.ofMinutes(16)));

        assertRefused(https.post(headers, body), 400, "RequestTimeTooSkewed");
    }

    @Test
    void date14MinutesOff_isAccepted() {
        Map<String, String> headers = signed("Encrypt", body, Instant.now().minus(Duration.ofMinutes(14)));

        assertThat(https.post(headers, body).status()).isEqualTo(200);
    }

    @Test
    void signatureByAnotherKey_isRefusedSignatureNotMatch() throws Exception {
        Map<String, String> headers = RawKmsHttps.signedHeaders(
                "Encrypt", clientKey.id(), EmulatorPki.rsaKeyPair().getPrivate(), body, Instant.now());

        assertRefused(https.post(headers, body), 401, "SignatureNotMatch");
    }

    @Test
    void headerChangedAfterSigning_isRefusedSignatureNotMatch() throws Exception {
        Map<String, String> headers = signed();
        headers.put(RequestSigner.HEADER_API_NAME, "Decrypt");

        assertRefused(https.post(headers, body), 401, "SignatureNotMatch");
    }

    @Test
    void authorizationThatIsNotBearer_isRefusedSignatureNotMatch() throws Exception {
        Map<String, String> headers = signed();
        headers.put("authorization", headers.get("authorization").replace("Bearer ", "Basic "));

        assertRefused(https.post(headers, body), 401, "SignatureNotMatch");
    }

    @Test
    void unknownAccessKeyId_isRefusedUnauthorized() throws Exception {
        Map<String, String> headers = RawKmsHttps.signedHeaders(
                "Encrypt", "KAAP.nobody-knows-this-key", clientKey.privateKey(), body, Instant.now());

        assertRefused(https.post(headers, body), 404, "Unauthorized");
    }

    @Test
    void bodyThatIsNotTheRequestMessage_isRefusedInvalidParameter() throws Exception {
        byte[] garbage = new byte[32];
        Arrays.fill(garbage, (byte) 0xff);

        assertRefused(https.post(signed("Encrypt", garbage, Instant.now()), garbage), 400, "InvalidParameter");
    }

    @Test
    void bodyLargerThan3Mb_isRefused413WithAProtobufError() throws Exception {
        byte[] large = new byte[3 * 1024 * 1024 + 1];

        RawKmsHttps.Answer answer = https.post(signed("Encrypt", large, Instant.now()), large);

        // The real service documents no ErrorCode for 413; the answer is still a protobuf Error with a RequestId
        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.error().getStatusCode()).isEqualTo(413);
        assertThat(answer.error().getRequestId()).isNotBlank().isEqualTo(answer.requestIdHeader());
    }

    @Test
    void plaintextAbove6Kb_isRefusedInvalidParameter() throws Exception {
        byte[] tooLong = EncryptRequest.newBuilder()
                .setKeyId(TestEmulators.KEY_1)
                .setPlaintext(ByteString.copyFrom(new byte[6 * 1024 + 1]))
                .build()
                .toByteArray();

        assertRefused(https.post(signed("Encrypt", tooLong, Instant.now()), tooLong), 400, "InvalidParameter");
    }

    @Test
    void unknownKeyId_isRefusedForbiddenKeyNotFound() throws Exception {
        byte[] unknownKey = EncryptRequest.newBuilder()
                .setKeyId("key-nobody-has")
                .setPlaintext(ByteString.copyFromUtf8("x"))
                .build()
                .toByteArray();

        assertRefused(
                https.post(signed("Encrypt", unknownKey, Instant.now()), unknownKey), 404, "Forbidden.KeyNotFound");
    }

    @Test
    void throttledAnswer_isAProtobufErrorWithRequestId() throws Exception {
        server.faults().set(Duration.ZERO, 1.0, 0, 0);
        try {
            assertRefused(https.post(signed(), body), 429, "Rejected.Throttling");
        } finally {
            server.faults().clear();
        }
    }

    @Test
    void failedAnswer_isAProtobufErrorWithRequestId() throws Exception {
        server.faults().set(Duration.ZERO, 0, 1.0, 0);
        try {
            assertRefused(https.post(signed(), body), 503, "ServiceUnavailableTemporary");
        } finally {
            server.faults().clear();
        }
    }
}
