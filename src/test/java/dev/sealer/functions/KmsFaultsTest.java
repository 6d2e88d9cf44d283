package dev.sealer.functions;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.sealer.emulator.EmulatorFaults.Action;
import dev.sealer.emulator.KmsEmulator;
import dev.sealer.testsupport.SealerHttp;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * seal and unseal under KMS faults (the emulator's switches and scripts): they succeed after the
 * retries the policy allows, or fail with the documented status after exactly that many attempts
 * (counted by the emulator), and recover when the fault stops. Nothing here depends on the machine's
 * speed: retries are counted, not timed, and the only time bound is far above every cap (a hang).
 */
@QuarkusTest
@TestProfile(KmsFaultsTest.FourAttempts.class)
class KmsFaultsTest {

    static final int ATTEMPTS = 4;
    /** Far above the call timeout below: only a call that ignores its caps takes this long. */
    static final Duration HANG = Duration.ofSeconds(60);

    public static class FourAttempts implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "aliyun.kms.read-timeout",
                    "400ms",
                    "aliyun.kms.call-timeout",
                    "30s",
                    "aliyun.kms.retry.max-attempts",
                    String.valueOf(ATTEMPTS),
                    "aliyun.kms.retry.initial-backoff",
                    "10ms",
                    "aliyun.kms.retry.max-backoff",
                    "50ms");
        }
    }

    @Inject
    KmsEmulator emulator;

    @BeforeEach
    void warmAndReset() {
        seal("warm").then().statusCode(200); // the client is built and connected before counting
        emulator.faults().resetCounts();
    }

    @AfterEach
    void clearFaults() {
        emulator.faults().clear();
    }

    private static Response seal(String text) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("text", text))
                .when()
                .post("/seal");
    }

    private static Response timedSeal(String text) {
        long start = System.nanoTime();
        Response response = seal(text);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("no hang").isLessThan(HANG);
        return response;
    }

    private void assertRecovers() {
        String sealed = seal("after the storm").then().statusCode(200).extract().path("sealed");
        SealerHttp.unseal(sealed).then().statusCode(200).body("text", equalTo("after the storm"));
    }

    @Test
    void throttlingAlways_failsAsKmsErrorAfterEveryAttempt_thenRecovers() {
        emulator.faults().set(Duration.ZERO, 1.0, 0, 0);

        timedSeal("x")
                .then()
                .statusCode(502)
                .body("error", equalTo("kms_error"))
                .body("kms_error_code", equalTo("Rejected.Throttling"));

        assertThat(emulator.faults().requests("Encrypt")).isEqualTo(ATTEMPTS);
        emulator.faults().clear();
        assertRecovers();
    }

    @Test
    void throttledAndFailingAttemptsBelowTheLimit_areAbsorbedByRetries() {
        for (int i = 0; i < 5; i++) {
            // each seal and each unseal meets ATTEMPTS - 1 faults, then is served
            emulator.faults()
                    .script(
                            Action.THROTTLE,
                            Action.FAIL,
                            Action.THROTTLE,
                            Action.SERVE,
                            Action.FAIL,
                            Action.THROTTLE,
                            Action.FAIL,
                            Action.SERVE);
            String sealed =
                    seal("retry-secret-" + i).then().statusCode(200).extract().path("sealed");
            SealerHttp.unseal(sealed).then().statusCode(200).body("text", equalTo("retry-secret-" + i));
        }
        assertThat(emulator.faults().requests("Encrypt")).isEqualTo(5 * ATTEMPTS);
        assertThat(emulator.faults().requests("Decrypt")).isEqualTo(5 * ATTEMPTS);
    }

    @Test
    void serverErrorsAlways_failAsKmsErrorAfterEveryAttempt_thenRecover() {
        emulator.faults().set(Duration.ZERO, 0, 1.0, 0);

        timedSeal("x").then().statusCode(502).body("kms_error_code", equalTo("ServiceUnavailableTemporary"));

        assertThat(emulator.faults().requests("Encrypt")).isEqualTo(ATTEMPTS);
        emulator.faults().clear();
        assertRecovers();
    }

    @Test
    void droppedConnections_failAsUnavailableAfterEveryAttempt_thenRecover() {
        emulator.faults().set(Duration.ZERO, 0, 0, 1.0);

        timedSeal("x").then().statusCode(503).body("error", equalTo("kms_unavailable"));

        assertThat(emulator.faults().requests("Encrypt")).isEqualTo(ATTEMPTS);
        emulator.faults().clear();
        assertRecovers();
    }

    @Test
    void kmsSlowerThanTheReadTimeout_failsAsTimeoutAfterEveryAttempt_thenRecovers() {
        emulator.faults().set(Duration.ofSeconds(5), 0, 0, 0);

        timedSeal("x").then().statusCode(504).body("error", equalTo("kms_timeout"));

        assertThat(emulator.faults().requests("Encrypt")).isEqualTo(ATTEMPTS);
        emulator.faults().clear();
        assertRecovers();
    }

    @Test
    void modestLatency_isServedAtTheFirstAttempt() {
        emulator.faults().set(Duration.ofMillis(150), 0, 0, 0);

        seal("slow but fine").then().statusCode(200);

        assertThat(emulator.faults().requests("Encrypt")).isEqualTo(1);
    }
}
