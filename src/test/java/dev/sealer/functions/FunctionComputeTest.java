package dev.sealer.functions;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import dev.sealer.emulator.KmsEmulator;
import dev.sealer.functions.http.FunctionCompute;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Function Compute custom-container protocol in the {@code fc} profile, as FC calls it: {@code POST
 * /invoke} with {@code application/octet-stream}, {@code x-fc-request-id} and no {@code Authorization}
 * (FC authenticates the invocation; the profile waives the token like a deployment with
 * {@code authType: function} does), {@code /initialize}, log framing.
 */
@QuarkusTest
@TestProfile(FunctionComputeTest.FcProfile.class)
class FunctionComputeTest {

    /** The fc profile on top of the test profile's emulator and keys. */
    public static class FcProfile implements QuarkusTestProfile {
        @Override
        public String getConfigProfile() {
            return "fc";
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "quarkus.config.profile.parent",
                    "test",
                    "aliyun.kms.credential-dir",
                    "target/test-state/kms-emulator",
                    "sealed-secret.verification.key-dir",
                    "target/test-state/verification-keys");
        }
    }

    @Inject
    KmsEmulator emulator;

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            lines.add(record.getMessage());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeEach
    void captureInvocationLog() {
        Logger.getLogger(FunctionCompute.INVOCATION_LOGGER).addHandler(capture);
    }

    @AfterEach
    void release() {
        Logger.getLogger(FunctionCompute.INVOCATION_LOGGER).removeHandler(capture);
    }

    private static io.restassured.response.ValidatableResponse invoke(String handler, String requestId, String event) {
        return given().contentType("application/octet-stream")
                .header("x-fc-request-id", requestId)
                .header("x-fc-function-handler", handler)
                .header("x-fc-function-name", "aliyun-kms-sealer-" + handler)
                .body(event.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .when()
                .post("/invoke")
                .then();
    }

    @Test
    void invoke_sealThenUnseal_answersWithFcStatus200AndFramesTheLog() {
        String sealed = invoke("seal", "req-seal-1", "{\"text\":\"from FC\"}")
                .statusCode(200)
                .header("x-fc-status", "200")
                .body("sealed", startsWith("sealed."))
                .extract()
                .path("sealed");
        invoke("unseal", "req-unseal-1", "{\"sealed\":\"" + sealed + "\"}")
                .statusCode(200)
                .header("x-fc-status", "200")
                .body("text", equalTo("from FC"));

        assertThat(lines)
                .containsSubsequence(
                        "FC Invoke Start RequestId: req-seal-1", "FC Invoke End RequestId: req-seal-1",
                        "FC Invoke Start RequestId: req-unseal-1", "FC Invoke End RequestId: req-unseal-1");
    }

    @Test
    void invoke_check_judgesWithoutTheKms() {
        String sealed = invoke("seal", "req-seal-2", "{\"text\":\"to check\"}")
                .statusCode(200)
                .extract()
                .path("sealed");

        invoke("check", "req-check-1", "{\"sealed\":\"" + sealed + "\\n\"}")
                .statusCode(200)
                .header("x-fc-status", "200")
                .body("secrets[0].valid", equalTo(true))
                .body("secrets[0].opens_in_stock_cdh", equalTo(false))
                .body("secrets[0].cdh_problems[0]", equalTo("surrounding_whitespace"));
    }

    @Test
    void invoke_unknownHandler_answersErrorWithFcStatus404() {
        invoke("explode", "req-x", "{}")
                .header("x-fc-status", "404")
                .statusCode(404)
                .body("error", equalTo("not_found"));
        assertThat(lines).contains("FC Invoke Start RequestId: req-x", "FC Invoke End RequestId: req-x");
    }

    @Test
    void invoke_badEvent_answersErrorWithFcStatus404() {
        invoke("seal", "req-bad-1", "not json")
                .header("x-fc-status", "404")
                .statusCode(400)
                .body("error", equalTo("invalid_request"));
        invoke("unseal", "req-bad-2", "{\"sealed\":\"sealed.x.y\"}")
                .header("x-fc-status", "404")
                .statusCode(400)
                .body("error", equalTo("malformed_sealed_secret"));
        invoke("seal", "req-bad-3", "{\"text\":\"a\",\"extra\":1}")
                .header("x-fc-status", "404")
                .body("error", equalTo("invalid_request"));
        invoke("seal", "req-bad-4", "").header("x-fc-status", "404").body("error", equalTo("invalid_request"));
    }

    @Test
    void initialize_warmsUpOnce_andLaterCallsDoNothing() {
        given().header("x-fc-request-id", "init-1")
                .when()
                .post("/initialize")
                .then()
                .statusCode(200)
                .header("x-fc-status", "200");
        // the warm-up opened the default client's connection with one probe (a GetSecretValue the KMS refuses)
        int probes = emulator.faults().requests("GetSecretValue");
        assertThat(probes).as("the warm-up reached the KMS").isGreaterThanOrEqualTo(1);

        for (int i = 0; i < 5; i++) {
            given().header("x-fc-request-id", "init-again-" + i)
                    .when()
                    .post("/initialize")
                    .then()
                    .statusCode(200)
                    .header("x-fc-status", "200");
        }

        assertThat(emulator.faults().requests("GetSecretValue"))
                .as("no new warm-up, no new connection")
                .isEqualTo(probes);
    }
}
