package dev.sealer.functions;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sealer.testsupport.SealerHttp;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Timers with counts for seal, unseal and KMS calls by outcome, and nothing secret in any tag. */
@QuarkusTest
class MetricsTest {

    private static final String SECRET = "metric-secret-b7d2";

    @Test
    void metrics_countFunctionsAndKmsCallsByOutcome_withoutIds() {
        String sealed = SealUnsealHttpTest.seal(Map.of("text", SECRET));
        SealUnsealHttpTest.unseal(sealed).then().statusCode(200);
        SealerHttp.unseal("not-sealed").then().statusCode(400);
        given().contentType(ContentType.JSON)
                .body(Map.of("text", "x", "key_id", "key-unknown-to-kms"))
                .when()
                .post("/seal")
                .then()
                .statusCode(400);

        String metrics = given().when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        List<String> ours =
                metrics.lines().filter(line -> line.startsWith("sealer_")).toList();

        assertThat(ours)
                .anyMatch(l -> l.startsWith("sealer_operations_seconds_count{function=\"seal\",outcome=\"success\"}"));
        assertThat(ours)
                .anyMatch(
                        l -> l.startsWith("sealer_operations_seconds_count{function=\"unseal\",outcome=\"success\"}"));
        assertThat(ours)
                .anyMatch(l -> l.startsWith(
                        "sealer_operations_seconds_count{function=\"unseal\",outcome=\"malformed_sealed_secret\"}"));
        assertThat(ours)
                .anyMatch(l -> l.startsWith(
                        "sealer_operations_seconds_count{function=\"seal\",outcome=\"kms_key_not_found\"}"));
        assertThat(ours)
                .anyMatch(l -> l.startsWith("sealer_kms_calls_seconds_count{api=\"Decrypt\",outcome=\"success\"}"));
        assertThat(ours)
                .anyMatch(l ->
                        l.startsWith("sealer_kms_calls_seconds_count{api=\"Encrypt\",outcome=\"kms_key_not_found\"}"));
        // the memory requests in flight hold, and its budget (nothing in flight between requests)
        assertThat(ours).anyMatch(l -> l.startsWith("sealer_in_flight_bytes "));
        assertThat(ours).anyMatch(l -> l.matches("sealer_in_flight_budget_bytes [1-9][0-9.E]*"));
        assertThat(ours)
                .allSatisfy(line -> assertThat(line)
                        .doesNotContain(SECRET)
                        .doesNotContain("KAAP")
                        .doesNotContain("kst-")
                        .doesNotContain("key-")
                        .doesNotContain("sealed."));
        assertThat(metrics).doesNotContain(SECRET);
    }
}
