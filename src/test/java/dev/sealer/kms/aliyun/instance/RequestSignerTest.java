package dev.sealer.kms.aliyun.instance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sealer.credentials.ClientKey;
import dev.sealer.credentials.CredentialFiles;
import dev.sealer.credentials.TestClientKeys;
import dev.sealer.emulator.CredentialWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The request authentication of {@code dkms-gcs-0.2} (docs/FORMAT.md, "Request signing") for a fixed date, body and client key:
 * the headers and the string to sign are compared with hand-written literals, the signature is
 * checked with the JDK against the public key of the client key's certificate, and with the string
 * to sign and signer of Alibaba's official SDK.
 */
class RequestSignerTest {

    private static final String CLIENT_KEY_ID = "KAAP.0c1d2e3f-test-fake-id";
    private static final String PASSWORD = "signer-test-password";
    private static final Instant FIXED = Instant.parse("2026-11-28T19:20:53Z");
    private static final String FIXED_DATE = "Sat, 28 Nov 2026 19:20:53 GMT";
    /** A fixed body: the bytes of an EncryptRequest {KeyId: "key-test", Plaintext: 32 x 0x01, Algorithm: "AES_GCM"}. */
    private static final byte[] BODY = body();

    private static byte[] clientKeyJson;
    private static ClientKey clientKey;

    @BeforeAll
    static void loadClientKeyThroughCredentialFiles() {
        var fixture = TestClientKeys.shared();
        byte[] pkcs12 = CredentialWriter.legacyPkcs12(
                fixture.keyPair().getPrivate(), fixture.certificate(), PASSWORD.toCharArray());
        clientKeyJson = TestClientKeys.clientKeyJson(CLIENT_KEY_ID, pkcs12);
        clientKey = CredentialFiles.parseClientKey(
                clientKeyJson.clone(), (PASSWORD + "\n").getBytes(StandardCharsets.UTF_8), CLIENT_KEY_ID, "test");
    }

    // ---- date ----------------------------------------------------------------------------------

    @Test
    void formatDate_fixedInstant_isRfc1123Gmt() {
        assertThat(RequestSigner.formatDate(FIXED)).isEqualTo("Sat, 28 Nov 2026 19:20:53 GMT");
    }

    @Test
    void formatDate_dayAndTimeBelowTen_areZeroPadded() {
        assertThat(RequestSigner.formatDate(Instant.parse("2026-03-03T04:05:06Z")))
                .isEqualTo("Tue, 03 Mar 2026 04:05:06 GMT");
        assertThat(RequestSigner.formatDate(Instant.parse("2027-01-01T00:00:00Z")))
                .isEqualTo("Fri, 01 Jan 2027 00:00:00 GMT");
    }

    @Test
    void formatDate_fractionalSeconds_areDropped() {
        assertThat(RequestSigner.formatDate(Instant.parse("2026-11-28T19:20:53.999Z")))
                .isEqualTo(FIXED_DATE);
    }

    @Test
    void parseDate_formattedDate_roundTrips() {
        assertThat(RequestSigner.parseDate(FIXED_DATE)).isEqualTo(FIXED);
        assertThat(RequestSigner.parseDate("Tue, 3 Mar 2026 04:05:06 GMT"))
                .isEqualTo(Instant.parse("2026-03-03T04:05:06Z"));
    }

    // ---- content hash ----------------------------------------------------------------------------

    @Test
    void contentSha256_knownVectors_areUpperCaseHex() {
        assertThat(RequestSigner.contentSha256(new byte[0]))
                .isEqualTo("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855");
        assertThat(RequestSigner.contentSha256("abc".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD");
    }

    // ---- headers and string to sign ----------------------------------------------------------------

    @Test
    void headers_fixedDateAndBody_areExactlyTheSdkHeaders() throws Exception {
        Map<String, String> headers =
                RequestSigner.headers("Encrypt", CLIENT_KEY_ID, BODY, FIXED, clientKey.privateKey());

        assertThat(headers)
                .containsOnlyKeys(
                        "accept",
                        "content-type",
                        "content-sha256",
                        "date",
                        "user-agent",
                        "x-kms-apiversion",
                        "x-kms-apiname",
                        "x-kms-signaturemethod",
                        "x-kms-acccesskeyid",
                        "authorization");
        assertThat(headers.keySet()).allSatisfy(name -> assertThat(name).isLowerCase());
        assertThat(headers)
                .containsEntry("accept", "application/x-protobuf")
                .containsEntry("content-type", "application/x-protobuf")
                .containsEntry("content-sha256", independentSha256(BODY))
                .containsEntry("date", "Sat, 28 Nov 2026 19:20:53 GMT")
                .containsEntry("x-kms-apiversion", "dkms-gcs-0.2")
                .containsEntry("x-kms-apiname", "Encrypt")
                .containsEntry("x-kms-signaturemethod", "RSA_PKCS1_SHA_256")
                .containsEntry("x-kms-acccesskeyid", CLIENT_KEY_ID);
        assertThat(headers.get("user-agent")).isNotBlank();
        assertThat(headers.get("authorization")).startsWith("Bearer ");
    }

    @Test
    void stringToSign_fixedDateAndBody_isTheHandWrittenLayout() throws Exception {
        Map<String, String> headers =
                RequestSigner.headers("Encrypt", CLIENT_KEY_ID, BODY, FIXED, clientKey.privateKey());
        String hash = independentSha256(BODY);

        String toSign = RequestSigner.stringToSign(
                "POST", headers.get("content-sha256"), "application/x-protobuf", headers.get("date"), headers);

        assertThat(toSign)
                .isEqualTo("POST\n"
                        + hash + "\n"
                        + "application/x-protobuf\n"
                        + "Sat, 28 Nov 2026 19:20:53 GMT\n"
                        + "x-kms-acccesskeyid:KAAP.0c1d2e3f-test-fake-id\n"
                        + "x-kms-apiname:Encrypt\n"
                        + "x-kms-apiversion:dkms-gcs-0.2\n"
                        + "x-kms-signaturemethod:RSA_PKCS1_SHA_256\n"
                        + "/");
    }

    @Test
    void stringToSign_dayBelowTenAndEmptyBody_isTheHandWrittenLayout() {
        Map<String, String> headers = RequestSigner.headers(
                "GetSecretValue",
                CLIENT_KEY_ID,
                new byte[0],
                Instant.parse("2026-03-03T04:05:06Z"),
                clientKey.privateKey());

        String toSign = RequestSigner.stringToSign(
                "POST", headers.get("content-sha256"), "application/x-protobuf", headers.get("date"), headers);

        assertThat(toSign)
                .isEqualTo("POST\n"
                        + "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855\n"
                        + "application/x-protobuf\n"
                        + "Tue, 03 Mar 2026 04:05:06 GMT\n"
                        + "x-kms-acccesskeyid:KAAP.0c1d2e3f-test-fake-id\n"
                        + "x-kms-apiname:GetSecretValue\n"
                        + "x-kms-apiversion:dkms-gcs-0.2\n"
                        + "x-kms-signaturemethod:RSA_PKCS1_SHA_256\n"
                        + "/");
    }

    @Test
    void stringToSign_kmsHeadersOfAnyCase_areLowerCasedSortedAndTrimmed() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-KMS-SignatureMethod", "  RSA_PKCS1_SHA_256\t");
        headers.put("Host", "kst-test.cryptoservice.kms.aliyuncs.com");
        headers.put("x-Kms-ApiName", " Decrypt ");
        headers.put("Content-Type", "application/x-protobuf");
        headers.put("X-Kms-Acccesskeyid", "KAAP.x");
        headers.put("x-kmsfoo", "not a kms header: no dash");
        headers.put("x-kms-apiversion", "dkms-gcs-0.2");
        headers.put("Authorization", "Bearer AAAA");

        String toSign = RequestSigner.stringToSign("POST", "HASH", "application/x-protobuf", "DATE", headers);

        assertThat(toSign)
                .isEqualTo("POST\nHASH\napplication/x-protobuf\nDATE\n"
                        + "x-kms-acccesskeyid:KAAP.x\n"
                        + "x-kms-apiname:Decrypt\n"
                        + "x-kms-apiversion:dkms-gcs-0.2\n"
                        + "x-kms-signaturemethod:RSA_PKCS1_SHA_256\n"
                        + "/");
    }

    @Test
    void stringToSign_noKmsHeaders_endsWithResourceOnly() {
        assertThat(RequestSigner.stringToSign("POST", "H", "T", "D", Map.of("accept", "x")))
                .isEqualTo("POST\nH\nT\nD\n/");
    }

    @Test
    void stringToSign_sameAsOfficialSdk() throws Exception {
        Map<String, String> headers =
                RequestSigner.headers("Decrypt", CLIENT_KEY_ID, BODY, FIXED, clientKey.privateKey());
        Map<String, String> sdkHeaders = new LinkedHashMap<>(headers);
        sdkHeaders.remove("authorization");
        sdkHeaders.put("host", "kst-test.cryptoservice.kms.aliyuncs.com");
        sdkHeaders.put("content-length", String.valueOf(BODY.length));

        String sdk = com.aliyun.dkms.gcs.openapi.util.Client.getStringToSign("POST", "/", sdkHeaders, null);

        assertThat(RequestSigner.stringToSign(
                        "POST", headers.get("content-sha256"), "application/x-protobuf", headers.get("date"), headers))
                .isEqualTo(sdk);
    }

    // ---- signature ---------------------------------------------------------------------------------

    @Test
    void authorization_verifiesWithTheCertificatePublicKey() throws Exception {
        Map<String, String> headers =
                RequestSigner.headers("Encrypt", CLIENT_KEY_ID, BODY, FIXED, clientKey.privateKey());
        String toSign = handWrittenStringToSign("Encrypt", independentSha256(BODY), FIXED_DATE);
        byte[] signature =
                Base64.getDecoder().decode(headers.get("authorization").substring("Bearer ".length()));

        Signature verifier = Signature.getInstance("SHA256withRSA");
        verifier.initVerify(clientKey.certificate().getPublicKey());
        verifier.update(toSign.getBytes(StandardCharsets.UTF_8));

        assertThat(verifier.verify(signature)).isTrue();
        assertThat(signature).hasSize(256);
        assertThat(RequestSigner.verify(
                        toSign,
                        headers.get("authorization"),
                        clientKey.certificate().getPublicKey()))
                .isTrue();
    }

    @Test
    void authorization_sameAsOfficialSdkSigner() throws Exception {
        Map<String, String> headers =
                RequestSigner.headers("Encrypt", CLIENT_KEY_ID, BODY, FIXED, clientKey.privateKey());
        var sdkCredential = new com.aliyun.dkms.gcs.openapi.credential.Client(
                new com.aliyun.dkms.gcs.openapi.credential.models.Config()
                        .setType("rsa_key_pair")
                        .setClientKeyContent(new String(clientKeyJson, StandardCharsets.UTF_8))
                        .setPassword(PASSWORD));

        // PKCS#1 v1.5 signatures are deterministic: same key, same string, same bytes
        assertThat(sdkCredential.getAccessKeyId()).isEqualTo(CLIENT_KEY_ID);
        assertThat(headers.get("authorization"))
                .isEqualTo(sdkCredential.getSignature(
                        handWrittenStringToSign("Encrypt", independentSha256(BODY), FIXED_DATE)));
    }

    @Test
    void verify_modifiedStringToSign_isRejected() {
        String toSign = handWrittenStringToSign("Encrypt", RequestSigner.contentSha256(BODY), FIXED_DATE);
        String authorization = "Bearer " + RequestSigner.sign(toSign, clientKey.privateKey());
        PublicKey publicKey = clientKey.certificate().getPublicKey();

        assertThat(RequestSigner.verify(toSign, authorization, publicKey)).isTrue();
        assertThat(RequestSigner.verify(toSign.replace("Encrypt", "Decrypt"), authorization, publicKey))
                .isFalse();
        assertThat(RequestSigner.verify(toSign + "\n", authorization, publicKey))
                .isFalse();
        assertThat(RequestSigner.verify(toSign.replace("19:20:53", "19:20:54"), authorization, publicKey))
                .isFalse();
        assertThat(RequestSigner.verify(toSign.toLowerCase(), authorization, publicKey))
                .isFalse();
    }

    @Test
    void verify_otherKey_isRejected() {
        String toSign = handWrittenStringToSign("Encrypt", RequestSigner.contentSha256(BODY), FIXED_DATE);
        String authorization = "Bearer " + RequestSigner.sign(toSign, clientKey.privateKey());
        PublicKey otherKey =
                TestClientKeys.selfSigned("kst-other-client").certificate().getPublicKey();

        assertThat(RequestSigner.verify(toSign, authorization, otherKey)).isFalse();
    }

    @Test
    void verify_signatureWithOneBitFlipped_isRejected() {
        String toSign = handWrittenStringToSign("Encrypt", RequestSigner.contentSha256(BODY), FIXED_DATE);
        byte[] signature = Base64.getDecoder().decode(RequestSigner.sign(toSign, clientKey.privateKey()));
        PublicKey publicKey = clientKey.certificate().getPublicKey();

        for (int bit : List.of(0, 7, 1000, signature.length * 8 - 1)) {
            byte[] flipped = signature.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            assertThat(RequestSigner.verify(
                            toSign, "Bearer " + Base64.getEncoder().encodeToString(flipped), publicKey))
                    .as("bit %d flipped", bit)
                    .isFalse();
        }
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(
            strings = {
                "Bearer",
                "Bearer ",
                "Bearer !!!not base64!!!",
                "Bearer AAAA",
                "Basic dXNlcjpwYXNz",
                "Bearer\u0000",
                "ACS3-RSA-SHA256 AAAA"
            })
    void verify_garbageAuthorization_isRejected(String authorization) {
        String toSign = handWrittenStringToSign("Encrypt", RequestSigner.contentSha256(BODY), FIXED_DATE);

        assertThat(RequestSigner.verify(
                        toSign, authorization, clientKey.certificate().getPublicKey()))
                .isFalse();
    }

    @Test
    void verify_signatureWithoutBearerPrefix_isRejected() {
        String toSign = handWrittenStringToSign("Encrypt", RequestSigner.contentSha256(BODY), FIXED_DATE);

        assertThat(RequestSigner.verify(
                        toSign,
                        RequestSigner.sign(toSign, clientKey.privateKey()),
                        clientKey.certificate().getPublicKey()))
                .isFalse();
    }

    // ---- helpers -------------------------------------------------------------------------------------

    /** The layout of docs/FORMAT.md ("Request signing"), written out by hand. */
    private static String handWrittenStringToSign(String apiName, String hash, String date) {
        return "POST\n" + hash + "\napplication/x-protobuf\n" + date + "\n"
                + "x-kms-acccesskeyid:" + CLIENT_KEY_ID + "\n"
                + "x-kms-apiname:" + apiName + "\n"
                + "x-kms-apiversion:dkms-gcs-0.2\n"
                + "x-kms-signaturemethod:RSA_PKCS1_SHA_256\n"
                + "/";
    }

    private static String independentSha256(byte[] body) throws Exception {
        return HexFormat.of()
                .withUpperCase()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    }

    private static byte[] body() {
        byte[] keyId = "key-test".getBytes(StandardCharsets.US_ASCII);
        byte[] algorithm = "AES_GCM".getBytes(StandardCharsets.US_ASCII);
        byte[] body = new byte[2 + keyId.length + 2 + 32 + 2 + algorithm.length];
        int i = 0;
        body[i++] = 0x0a; // field 1, length-delimited
        body[i++] = (byte) keyId.length;
        System.arraycopy(keyId, 0, body, i, keyId.length);
        i += keyId.length;
        body[i++] = 0x12; // field 2
        body[i++] = 32;
        for (int j = 0; j < 32; j++) {
            body[i++] = 0x01;
        }
        body[i++] = 0x1a; // field 3
        body[i++] = (byte) algorithm.length;
        System.arraycopy(algorithm, 0, body, i, algorithm.length);
        return body;
    }
}
