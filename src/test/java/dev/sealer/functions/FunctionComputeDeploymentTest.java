package dev.sealer.functions;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import dev.sealer.secret.SecretSealer;
import dev.sealer.testsupport.AuditLines;
import dev.sealer.testsupport.SealerHttp;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The seal function as deploy/fc/s.yaml configures it: profile fc, SEALER_FUNCTION_COMPUTE_FUNCTION=seal,
 * SEALER_ALLOW_UNAUTHENTICATED=true (FC authenticates: RAM for InvokeFunction, the signature for an HTTP
 * trigger with authType function). An event invocation runs seal whatever x-fc-function-handler says
 * (FC documents it as meaningless for custom containers). And it serves seal only, on every entry point:
 * whoever may invoke the seal function (a CI pipeline, say) cannot reach unseal or reseal through the
 * HTTP trigger's paths (FC keeps the request path), CloudEvents, or a query string.
 */
@QuarkusTest
@TestProfile(FunctionComputeDeploymentTest.SealFunction.class)
class FunctionComputeDeploymentTest {

    public static class SealFunction implements QuarkusTestProfile {
        @Override
        public String getConfigProfile() {
            return "fc";
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "quarkus.config.profile.parent",
                    "test",
                    "sealer.function-compute.function",
                    "seal",
                    "sealer.allow-unauthenticated",
                    "true",
                    "aliyun.kms.credential-dir",
                    "target/test-state/kms-emulator",
                    "sealed-secret.verification.key-dir",
                    "target/test-state/verification-keys");
        }
    }

    /** The sealing core, for a sealed secret to try to open (the function under test will not unseal it). */
    @Inject
    SecretSealer sealer;

    private static ValidatableResponse invoke(String handler, String event) {
        return given().contentType("application/octet-stream")
                .header("x-fc-request-id", "req-fn-" + handler)
                .header("x-fc-function-handler", handler)
                .body(event.getBytes(StandardCharsets.UTF_8))
                .when()
                .post("/invoke")
                .then();
    }

    private static ValidatableResponse event(String type, Object data) {
        return SealerHttp.event(given().contentType(ContentType.JSON), type, "fn-" + type, "/ci")
                .body(data)
                .when()
                .post("/")
                .then();
    }

    @Test
    void invoke_runsTheConfiguredFunction_whateverTheHandlerHeaderSays() {
        invoke("unseal", "{\"text\":\"fc-configured-function-6a2\"}")
                .statusCode(200)
                .header("x-fc-status", "200")
                .body("sealed", startsWith("sealed."));
        given().contentType(ContentType.JSON)
                .body(Map.of("text", "through-the-http-trigger"))
                .when()
                .post("/seal")
                .then()
                .statusCode(200)
                .body("sealed", startsWith("sealed."));
    }

    @Test
    void theSealFunction_neverUnsealsOrReseals_onAnyEntryPoint() {
        String sealed =
                sealer.sealEnvelope("fc-seal-only-7c1".getBytes(StandardCharsets.UTF_8), "aliyun", null, Map.of());
        Map<String, String> body = Map.of("sealed", sealed);

        for (String path : new String[] {"/unseal", "/reseal"}) {
            String answer = given().contentType(ContentType.JSON)
                    .body(body)
                    .when()
                    .post(path)
                    .then()
                    .statusCode(404)
                    .body("error", equalTo("not_found"))
                    .extract()
                    .asString();
            assertThat(answer).doesNotContain("fc-seal-only-7c1").doesNotContain("sealed.");
        }
        given().queryParam("sealed", sealed).when().get("/unseal").then().statusCode(404);
        event("dev.sealer.unseal", body).statusCode(404).body("error", equalTo("not_found"));
        event("dev.sealer.reseal", body).statusCode(404).body("error", equalTo("not_found"));
        event("unseal", body).statusCode(404);
        // /invoke runs seal, which takes no sealed secret
        invoke("unseal", "{\"sealed\":\"" + sealed + "\"}").statusCode(400).header("x-fc-status", "404");
        // seal itself, over its events, still works
        event("dev.sealer.seal", Map.of("text", "x")).statusCode(200).body("sealed", startsWith("sealed."));
    }

    /**
     * A call of a function this deployment does not serve is in the audit trail as {@code not_found}, whether it
     * was refused on its headers (a plain HTTP path: no body read) or where the function runs (an event, whose
     * function is its type: the secret it aimed at is named by its hash).
     */
    @Test
    void callsOfFunctionsNotServed_areAudited_asNotFound() throws Exception {
        String sealed = sealer.sealEnvelope(
                "fc-audited-not-found-4e0".getBytes(StandardCharsets.UTF_8), "aliyun", null, Map.of());
        try (AuditLines audit = AuditLines.listen()) {
            SealerHttp.unseal(sealed).then().statusCode(404);
            event("dev.sealer.unseal", Map.of("sealed", sealed)).statusCode(404);

            assertThat(audit.records())
                    .extracting(record -> record.get("function").asText() + " "
                            + record.get("entry_point").asText() + " "
                            + record.get("outcome").asText() + " "
                            + record.get("caller").asText())
                    .containsExactly(
                            "unseal http not_found unauthenticated", "unseal events not_found unauthenticated");
            assertThat(audit.records().get(0).has("sealed_sha256")).isFalse();
            assertThat(audit.records().get(1).get("sealed_sha256").get(0).asText())
                    .isEqualTo(AuditTrailTest.signingInputSha256(sealed));
            assertThat(audit.lines())
                    .allSatisfy(
                            line -> assertThat(line).doesNotContain(sealed).doesNotContain("fc-audited-not-found-4e0"));
        }
    }
}
