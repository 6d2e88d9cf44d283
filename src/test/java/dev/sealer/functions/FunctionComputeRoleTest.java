package dev.sealer.functions;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.sealer.emulator.EmulatorFaults;
import dev.sealer.emulator.EmulatorRoles;
import dev.sealer.emulator.KmsEmulator;
import dev.sealer.testsupport.SecretRecorder;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * In the {@code fc} profile, {@code ecs_ram_role} vault secrets are opened with the function's role
 * credentials, which Function Compute sends in the {@code x-fc-access-key-id},
 * {@code x-fc-access-key-secret} and {@code x-fc-security-token} headers of each invocation (here:
 * credentials the emulator issued), not from a metadata service. The newest ones seen serve later
 * requests too.
 */
@QuarkusTest
@TestProfile(FunctionComputeTest.FcProfile.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FunctionComputeRoleTest {

    @Inject
    KmsEmulator emulator;

    @Test
    @Order(1)
    void ecsRamRole_usesTheFunctionsRoleCredentials_fromFcsHeaders() {
        Assumptions.assumeTrue(
                System.getenv("ALIBABA_CLOUD_ACCESS_KEY_ID") == null, "the test JVM has FC credentials of its own");
        String sealed = SealUnsealHttpTest.seal(Map.of(
                "type", "vault", "name", "db-password", "provider_settings", Map.of("client_type", "ecs_ram_role")));
        String event = "{\"sealed\":\"" + sealed + "\"}";
        // counted as differences: the counts are shared with the other tests of this profile's application
        int metadataBefore = emulator.faults().requests(EmulatorFaults.METADATA);
        int openApiBefore = emulator.faults().requests(EmulatorFaults.OPENAPI_GET_SECRET_VALUE);

        // no role configured for the function yet: neither headers nor environment
        invoke(event, Map.of()).statusCode(500).body("error", equalTo("not_configured"));

        EmulatorRoles.Issued role = emulator.roles().issue(Duration.ofHours(1));
        SecretRecorder.remember(role.accessKeySecret());
        SecretRecorder.remember(role.securityToken());
        invoke(
                        event,
                        Map.of(
                                "x-fc-access-key-id",
                                role.accessKeyId(),
                                "x-fc-access-key-secret",
                                role.accessKeySecret(),
                                "x-fc-security-token",
                                role.securityToken()))
                .statusCode(200)
                .body("text", equalTo("vault-secret-value"));

        // a later request without the headers (e.g. an HTTP trigger's) reuses the newest credentials
        SealUnsealHttpTest.unseal(sealed).then().statusCode(200).body("text", equalTo("vault-secret-value"));
        assertThat(emulator.faults().requests(EmulatorFaults.METADATA))
                .as("no metadata service on FC")
                .isEqualTo(metadataBefore);
        assertThat(emulator.faults().requests(EmulatorFaults.OPENAPI_GET_SECRET_VALUE))
                .isEqualTo(openApiBefore + 2);
    }

    /**
     * Only an authenticated {@code /invoke} that is served hands the function its role: headers on health
     * checks, {@code /initialize} (neither is authenticated), the plain HTTP paths, and invocations refused
     * on their headers or their body are never taken, so nobody can make later unseals sign with a role of
     * their choosing.
     */
    @Test
    @Order(2)
    void roleHeaders_ofUnauthenticatedPathsOrRefusedRequests_areNeverTaken() throws Exception {
        Assumptions.assumeTrue(
                System.getenv("ALIBABA_CLOUD_ACCESS_KEY_ID") == null, "the test JVM has FC credentials of its own");
        String sealed = SealUnsealHttpTest.seal(Map.of(
                "type", "vault", "name", "db-password", "provider_settings", Map.of("client_type", "ecs_ram_role")));
        EmulatorRoles.Issued role = emulator.roles().issue(Duration.ofHours(1));
        SecretRecorder.remember(role.accessKeySecret());
        SecretRecorder.remember(role.securityToken());
        invoke(
                        "{\"sealed\":\"" + sealed + "\"}",
                        roleHeaders(role.accessKeyId(), role.accessKeySecret(), role.securityToken()))
                .statusCode(200)
                .body("text", equalTo("vault-secret-value"));

        Map<String, String> attacker = roleHeaders("STS.attacker", "attacker-secret", "attacker-token");
        given().headers(attacker).when().get("/q/health/live").then().statusCode(200);
        given().headers(attacker).when().get("/q/health/ready");
        given().headers(attacker)
                .header("x-fc-request-id", "init-attacker")
                .when()
                .post("/initialize");
        given().headers(attacker)
                .contentType(ContentType.JSON)
                .body(Map.of("sealed", sealed))
                .when()
                .post("/unseal")
                .then()
                .statusCode(200);
        // refused on its headers (a body over the limit) and on its body (not JSON)
        try (java.net.Socket socket = new java.net.Socket("localhost", io.restassured.RestAssured.port)) {
            StringBuilder head = new StringBuilder("POST /invoke HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/octet-stream\r\nContent-Length: 9000000\r\n");
            attacker.forEach((name, value) ->
                    head.append(name).append(": ").append(value).append("\r\n"));
            socket.getOutputStream().write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            socket.setSoTimeout(30_000);
            assertThat(new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII))
                    .isEqualTo("HTTP/1.1 413");
        }
        invoke("not json", attacker).statusCode(400);

        // the function's own role still serves
        SealUnsealHttpTest.unseal(sealed).then().statusCode(200).body("text", equalTo("vault-secret-value"));
    }

    private static Map<String, String> roleHeaders(String id, String secret, String token) {
        return Map.of("x-fc-access-key-id", id, "x-fc-access-key-secret", secret, "x-fc-security-token", token);
    }

    private static io.restassured.response.ValidatableResponse invoke(String event, Map<String, String> headers) {
        return given().contentType("application/octet-stream")
                .header("x-fc-request-id", "req-role")
                .header("x-fc-function-handler", "unseal")
                .headers(headers)
                .body(event.getBytes(StandardCharsets.UTF_8))
                .when()
                .post("/invoke")
                .then();
    }
}
