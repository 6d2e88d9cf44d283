package dev.sealer.functions;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.sealer.emulator.KmsEmulator;
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
 * seal and unseal under KMS faults (the emulator's switches): they succeed after bounded retries or
 * fail with the documented 502/503/504 within a bounded time, and recover when the fault stops.
 */
@QuarkusTest
@TestProfile(KmsFaultsTest.ShortTimeouts.class)
class KmsFaultsTest {

    /** Whole-call cap of this profile; every failing call must end well within it plus slack. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);

    public static class ShortTimeouts implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("aliyun.kms.read-timeout", "400ms", "aliyun.kms.call-timeout", "2s",
                    "aliyun.kms.retry.max-attempts", "8", "aliyun.kms.retry.initial-backoff", "10ms",
                    "aliyun.kms.retry.max-backoff", "50ms");
        }
    }

    @Inject
    KmsEmulator emulator;

    /**
     * The first requests of a freshly started application pay for class loading and JIT, which on a
     * busy machine alone can exceed the bounds below: they are served before any fault is switched on,
     * so that the bounds measure the KMS call.
     */
    @BeforeEach
    void warmTheService() {
        assertRecovers();
    }

    @AfterEach
    void clearFaults() {
        emulator.faults().clear();
    }

    private static Response seal(String text) {
        return given().contentType(ContentType.JSON).body(Map.of("text", text)).when().post("/seal");
    }

    private static long millis(Runnable call) {
        long start = System.nanoTime();
        call.run();
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static void assertRecovers() {
        String sealed = seal("after the storm").then().statusCode(200).extract().path("sealed");
        given().contentType(ContentType.JSON).body(Map.of("sealed", sealed)).when().post("/unseal")
                .then().statusCode(200).body("text", equalTo("after the storm"));
    }

    @Test
    void throttlingAlways_failsWithKmsErrorInBoundedTime_thenRecovers() {
        emulator.faults().set(Duration.ZERO, 1.0, 0, 0);
        long took = millis(() -> seal("x").then().statusCode(502).body("error", equalTo("kms_error"))
                .body("kms_error_code", equalTo("Rejected.Throttling")));
        assertThat(took).isLessThan(CALL_TIMEOUT.toMillis() + 1500);
        emulator.faults().clear();
        assertRecovers();
    }

    @Test
    void throttlingAndErrorsSometimes_areAbsorbedByRetries() {
        emulator.faults().set(Duration.ZERO, 0.15, 0.1, 0);
        for (int i = 0; i < 15; i++) {
            String sealed = seal("retry " + i).then().statusCode(200).extract().path("sealed");
            given().contentType(ContentType.JSON).body(Map.of("sealed", sealed)).when().post("/unseal")
                    .then().statusCode(200).body("text", equalTo("retry " + i));
        }
    }

    @Test
    void serverErrorsAlways_failWithKmsErrorInBoundedTime_thenRecover() {
        emulator.faults().set(Duration.ZERO, 0, 1.0, 0);
        long took = millis(() -> seal("x").then().statusCode(502)
                .body("kms_error_code", equalTo("ServiceUnavailableTemporary")));
        assertThat(took).isLessThan(CALL_TIMEOUT.toMillis() + 1500);
        emulator.faults().clear();
        assertRecovers();
    }

    @Test
    void droppedConnections_failWithUnavailableInBoundedTime_thenRecover() {
        emulator.faults().set(Duration.ZERO, 0, 0, 1.0);
        long took = millis(() -> seal("x").then().statusCode(503).body("error", equalTo("kms_unavailable")));
        assertThat(took).isLessThan(CALL_TIMEOUT.toMillis() + 1500);
        emulator.faults().clear();
        assertRecovers();
    }

    @Test
    void kmsSlowerThanTheTimeouts_failsWithTimeoutInBoundedTime_thenRecovers() {
        emulator.faults().set(Duration.ofSeconds(5), 0, 0, 0);
        long took = millis(() -> seal("x").then().statusCode(504).body("error", equalTo("kms_timeout")));
        assertThat(took).isLessThan(CALL_TIMEOUT.toMillis() + 1500);
        emulator.faults().clear();
        assertRecovers();
    }

    @Test
    void modestLatency_isServed() {
        emulator.faults().set(Duration.ofMillis(150), 0, 0, 0);
        seal("slow but fine").then().statusCode(200);
    }
}
