package dev.sealer.functions;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import dev.sealer.testsupport.SealerHttp;
import dev.sealer.testsupport.TestSigner;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every documented error of seal and unseal, over HTTP: status, stable code, and no leak. */
@QuarkusTest
class SealUnsealErrorsTest {

    private static final String SECRET = "do-not-leak-7f3a";

    @ConfigProperty(name = "sealed-secret.signing.jwk-file")
    Path signingJwk;

    @io.quarkus.test.common.http.TestHTTPResource("/")
    java.net.URL root;

    @ConfigProperty(name = "sealed-secret.signing.kid")
    String kid;

    private TestSigner signer;
    private String sealed;

    @BeforeEach
    void setUp() {
        signer = TestSigner.fromJwkFile(signingJwk, kid);
        sealed = SealUnsealHttpTest.seal(Map.of("text", SECRET));
    }

    private static ValidatableResponse post(String path, String body) {
        return given().contentType(ContentType.JSON)
                .body(body)
                .when()
                .post(path)
                .then()
                .body(not(containsString(SECRET)));
    }

    private static ValidatableResponse unseal(String sealedSecret) {
        return SealerHttp.unseal(sealedSecret).then().body(not(containsString(SECRET)));
    }

    private static ValidatableResponse expectError(ValidatableResponse response, int status, String code) {
        return response.statusCode(status)
                .contentType(ContentType.JSON)
                .body("error", equalTo(code))
                .body("message", notNullValue());
    }

    private Map<String, Object> payload() {
        return new LinkedHashMap<>(TestSigner.payloadOf(sealed));
    }

    @Test
    void requestNotJson_isInvalidRequest() {
        expectError(post("/unseal", "{\"sealed\": " + SECRET + "}"), 400, "invalid_request")
                .body("message", containsString("line 1"));
    }

    @Test
    void requestWithUnknownField_isInvalidRequestNamingIt() {
        expectError(post("/seal", "{\"text\":\"a\",\"plaintxt\":\"b\"}"), 400, "invalid_request")
                .body("message", containsString("plaintxt"));
    }

    @Test
    void requestFieldOfWrongType_isInvalidRequest() {
        expectError(post("/seal", "{\"text\": 42}"), 400, "invalid_request").body("message", containsString("text"));
        expectError(post("/seal", "{\"text\": \"a\", \"provider_settings\": []}"), 400, "invalid_request");
    }

    @Test
    void requestNotJsonContentType_isUnsupportedMediaType() {
        given().contentType("text/plain")
                .body("hello")
                .when()
                .post("/seal")
                .then()
                .statusCode(415)
                .body("error", equalTo("unsupported_media_type"));
    }

    @Test
    void seal_withBothPlaintextAndText_isInvalidRequest() {
        expectError(post("/seal", "{\"text\":\"a\",\"plaintext\":\"YQ==\"}"), 400, "invalid_request");
    }

    @Test
    void seal_plaintextNotStandardBase64_isInvalidBase64() {
        expectError(post("/seal", "{\"plaintext\":\"YQ\"}"), 400, "invalid_base64");
        expectError(post("/seal", "{\"plaintext\":\"-_-_\"}"), 400, "invalid_base64");
    }

    @Test
    void seal_unknownKey_isTheCallersFault_withKmsCodeAndRequestId() {
        expectError(post("/seal", "{\"text\":\"a\",\"key_id\":\"key-does-not-exist-42\"}"), 400, "kms_key_not_found")
                .body("kms_error_code", equalTo("Forbidden.KeyNotFound"))
                .body("kms_request_id", notNullValue());
    }

    @Test
    void seal_badIds_areInvalidId() {
        expectError(post("/seal", "{\"text\":\"a\",\"key_id\":\"../etc/passwd\"}"), 400, "invalid_id");
        expectError(
                post("/seal", "{\"text\":\"a\",\"provider_settings\":{\"client_key_id\":\"../x\"}}"),
                400,
                "invalid_id");
        expectError(
                post("/seal", "{\"text\":\"a\",\"provider_settings\":{\"kms_instance_id\":\"a/b\"}}"),
                400,
                "invalid_id");
    }

    @Test
    void seal_unknownClientKey_isCredentialsNotFound() {
        expectError(
                post("/seal", "{\"text\":\"a\",\"provider_settings\":{\"client_key_id\":\"KAAP.nobody\"}}"),
                422,
                "credentials_not_found");
    }

    @Test
    void seal_unsupportedClientType_isNamed() {
        expectError(
                        post("/seal", "{\"text\":\"a\",\"provider_settings\":{\"client_type\":\"ecs_ram_role\"}}"),
                        400,
                        "unsupported_client_type")
                .body("message", containsString("client_type"));
    }

    @Test
    void seal_unknownType_isInvalidRequest() {
        expectError(post("/seal", "{\"text\":\"a\",\"type\":\"shiny\"}"), 400, "invalid_request");
    }

    @Test
    void unseal_notASealedSecret_isMalformed() {
        expectError(unseal("hello"), 400, "malformed_sealed_secret");
        expectError(unseal("sealed.a.b"), 400, "malformed_sealed_secret");
        expectError(unseal(sealed + ".extra"), 400, "malformed_sealed_secret");
        expectError(unseal(sealed.replaceFirst("\\.[^.]+\\.", "..")), 400, "malformed_sealed_secret");
    }

    @Test
    void unseal_tamperedParts_areRejected() {
        String[] parts = sealed.split("\\.");
        for (int part = 1; part <= 3; part++) {
            String[] copy = parts.clone();
            char[] chars = copy[part].toCharArray();
            chars[chars.length / 2] = chars[chars.length / 2] == 'A' ? 'B' : 'A';
            copy[part] = new String(chars);
            int status = unseal(String.join(".", copy)).extract().statusCode();
            assertThat(status).as("tampered part %d", part).isEqualTo(400);
        }
        String[] truncated = parts.clone();
        truncated[3] = truncated[3].substring(0, 40);
        expectError(unseal(String.join(".", truncated)), 400, "signature_invalid");
    }

    @Test
    void unseal_signedByAnotherKeyUnderTheSameKid_isSignatureInvalid() {
        expectError(unseal(TestSigner.random(kid).sign(payload())), 400, "signature_invalid");
    }

    @Test
    void unseal_unknownKid_isUnknownKid() {
        expectError(unseal(TestSigner.random("nobody-has-this-kid").sign(payload())), 400, "unknown_kid");
    }

    @Test
    void unseal_kidWithTraversal_neverReachesAKeyOutsideTheFolder() {
        byte[] json = Base64.getUrlDecoder().decode(sealed.split("\\.")[2].getBytes(StandardCharsets.US_ASCII));
        // the verification folder is target/test-state/verification-keys: "../signing/..." leads to the signing key's
        // folder
        expectError(unseal(signer.signWithKid(json, "../signing/test-signing-key.jwk")), 400, "unknown_kid");
        expectError(unseal(signer.signWithKid(json, "/etc/passwd")), 400, "invalid_id");
        expectError(
                unseal(signer.signWithKid(json, "kbs:///default/../sealed-secret/test-signing-key")),
                400,
                "invalid_id");
    }

    @Test
    void unseal_legacyUnsignedForm_requiresSignature() {
        expectError(unseal(TestSigner.legacy(payload())), 400, "signature_required");
    }

    @Test
    void unseal_otherVersion_isUnsupportedVersion() {
        Map<String, Object> payload = payload();
        payload.put("version", "0.2.0");
        expectError(unseal(signer.sign(payload)), 400, "unsupported_version");
    }

    @Test
    void unseal_unknownTypeProviderOrWrapType_areNamed() {
        Map<String, Object> payload = payload();
        payload.put("type", "magic");
        expectError(unseal(signer.sign(payload)), 400, "unsupported_type").body("message", containsString("type"));
        payload = payload();
        payload.put("provider", "aws");
        expectError(unseal(signer.sign(payload)), 400, "unsupported_provider")
                .body("message", containsString("provider"));
        payload = payload();
        payload.put("wrap_type", "A128CBC");
        expectError(unseal(signer.sign(payload)), 400, "unsupported_wrap_type")
                .body("message", containsString("wrap_type"));
    }

    @Test
    void unseal_missingOrMistypedField_isMalformedNamingIt() {
        Map<String, Object> payload = payload();
        payload.remove("encrypted_key");
        expectError(unseal(signer.sign(payload)), 400, "malformed_sealed_secret")
                .body("message", containsString("encrypted_key"));
        payload = payload();
        payload.put("iv", 12);
        expectError(unseal(signer.sign(payload)), 400, "malformed_sealed_secret")
                .body("message", containsString("iv"));
    }

    @Test
    void unseal_badBase64InsidePayload_isInvalidBase64() {
        Map<String, Object> payload = payload();
        payload.put("encrypted_data", ((String) payload.get("encrypted_data")).replace("=", ""));
        if (payload.get("encrypted_data").equals(payload().get("encrypted_data"))) {
            payload.put("encrypted_data", payload.get("encrypted_data") + "x");
        }
        expectError(unseal(signer.sign(payload)), 400, "invalid_base64")
                .body("message", containsString("encrypted_data"));
    }

    @Test
    void unseal_tamperedEncryptedData_isDecryptionFailed() {
        Map<String, Object> payload = payload();
        byte[] data = Base64.getDecoder().decode((String) payload.get("encrypted_data"));
        data[0] ^= 1;
        payload.put("encrypted_data", Base64.getEncoder().encodeToString(data));
        expectError(unseal(signer.sign(payload)), 400, "decryption_failed");
    }

    @Test
    void unseal_kmsIvOfWrongLength_isMalformed() {
        Map<String, Object> payload = payload();
        payload.put("annotations", Map.of("iv", Base64.getEncoder().encodeToString(new byte[8])));
        expectError(unseal(signer.sign(payload)), 400, "malformed_sealed_secret")
                .body("message", containsString("annotations.iv"));
    }

    @Test
    void unseal_encryptedKeyOfAnotherKmsKey_isKmsInvalidParameter() {
        Map<String, Object> payload = payload();
        payload.put("key_id", "key-emulator-0002");
        expectError(unseal(signer.sign(payload)), 400, "kms_invalid_parameter")
                .body("kms_error_code", equalTo("InvalidParameter"));
    }

    @Test
    void unseal_unknownInstanceInSettings_isCredentialsNotFound() {
        Map<String, Object> payload = payload();
        payload.put(
                "provider_settings",
                Map.of(
                        "client_key_id",
                        "KAAP.emulator-client-key-0001",
                        "kms_instance_id",
                        "kst-elsewhere",
                        "client_type",
                        "client_key"));
        expectError(unseal(signer.sign(payload)), 422, "credentials_not_found");
    }

    @Test
    void sealedSecretTooLong_isPayloadTooLarge() {
        String huge = "sealed." + "A".repeat(2_200_000) + ".B.C";
        expectError(post("/unseal", "{\"sealed\":\"" + huge + "\"}"), 413, "payload_too_large");
    }

    @Test
    void bodyOverTheHttpLimit_isPayloadTooLarge_onItsDeclaredLength() throws Exception {
        dev.sealer.testsupport.RawHttp.Answer answer =
                dev.sealer.testsupport.RawHttp.declaredOnly(root, "/seal", "application/json", 4L * 1024 * 1024);

        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.body()).contains("\"error\":\"payload_too_large\"");
    }

    @Test
    void unknownFunction_isNotFound() {
        expectError(post("/nothing-here", "{}"), 404, "not_found");
    }
}
