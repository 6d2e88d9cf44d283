package dev.sealer.functions;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Function Compute custom-runtime protocol: /invoke with FC headers, /initialize, log framing. */
@QuarkusTest
class FunctionComputeTest {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            lines.add(record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
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
                .header("x-fc-function-name", handler)
                .body(event.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .when().post("/invoke").then();
    }

    @Test
    void invoke_sealThenUnseal_answersWithFcStatus200AndFramesTheLog() {
        String sealed = invoke("seal", "req-seal-1", "{\"text\":\"from FC\"}")
                .statusCode(200).header("x-fc-status", "200").body("sealed", startsWith("sealed."))
                .extract().path("sealed");
        invoke("unseal", "req-unseal-1", "{\"sealed\":\"" + sealed + "\"}")
                .statusCode(200).header("x-fc-status", "200").body("text", equalTo("from FC"));

        assertThat(lines).containsSubsequence(
                "FC Invoke Start RequestId: req-seal-1", "FC Invoke End RequestId: req-seal-1",
                "FC Invoke Start RequestId: req-unseal-1", "FC Invoke End RequestId: req-unseal-1");
    }

    @Test
    void invoke_unknownHandler_answersErrorWithFcStatus404() {
        invoke("explode", "req-x", "{}").header("x-fc-status", "404").statusCode(404).body("error", equalTo("not_found"));
        assertThat(lines).contains("FC Invoke Start RequestId: req-x", "FC Invoke End RequestId: req-x");
    }

    @Test
    void invoke_badEvent_answersErrorWithFcStatus404() {
        invoke("seal", "req-bad-1", "not json").header("x-fc-status", "404").statusCode(400)
                .body("error", equalTo("invalid_request"));
        invoke("unseal", "req-bad-2", "{\"sealed\":\"sealed.x.y\"}").header("x-fc-status", "404").statusCode(400)
                .body("error", equalTo("malformed_sealed_secret"));
        invoke("seal", "req-bad-3", "{\"text\":\"a\",\"extra\":1}").header("x-fc-status", "404")
                .body("error", equalTo("invalid_request"));
        invoke("seal", "req-bad-4", "").header("x-fc-status", "404").body("error", equalTo("invalid_request"));
    }

    @Test
    void initialize_warmsUp() {
        given().header("x-fc-request-id", "init-1").when().post("/initialize").then()
                .statusCode(200).header("x-fc-status", "200");
    }
}
