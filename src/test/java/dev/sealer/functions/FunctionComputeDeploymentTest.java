package dev.sealer.functions;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The unseal function as deploy/fc/s.yaml configures it: profile fc, SEALER_FUNCTION_COMPUTE_FUNCTION=unseal,
 * SEALER_ALLOW_UNAUTHENTICATED=true (FC authenticates: RAM for InvokeFunction, the signature for an HTTP
 * trigger with authType function). An event invocation runs unseal whatever x-fc-function-handler says
 * (FC documents it as meaningless for custom containers); the HTTP trigger's path is served too.
 */
@QuarkusTest
@TestProfile(FunctionComputeDeploymentTest.UnsealFunction.class)
class FunctionComputeDeploymentTest {

    public static class UnsealFunction implements QuarkusTestProfile {
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
                    "unseal",
                    "sealer.allow-unauthenticated",
                    "true",
                    "aliyun.kms.credential-dir",
                    "target/test-state/kms-emulator",
                    "sealed-secret.verification.key-dir",
                    "target/test-state/verification-keys");
        }
    }

    @Test
    void invoke_runsTheConfiguredFunction_whateverTheHandlerHeaderSays() {
        String sealed = given().contentType("application/json")
                .body(Map.of("text", "fc-configured-function-6a2"))
                .when()
                .post("/seal")
                .then()
                .statusCode(200)
                .body("sealed", startsWith("sealed."))
                .extract()
                .path("sealed");
        given().contentType("application/octet-stream")
                .header("x-fc-request-id", "req-fn-1")
                .header("x-fc-function-handler", "initialize")
                .body(("{\"sealed\":\"" + sealed + "\"}").getBytes(StandardCharsets.UTF_8))
                .when()
                .post("/invoke")
                .then()
                .statusCode(200)
                .header("x-fc-status", "200")
                .body("text", equalTo("fc-configured-function-6a2"));
    }
}
