package dev.sealer.functions;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import dev.sealer.testsupport.ExternalEmulatorResource;
import dev.sealer.testsupport.SealerHttp;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Credentials given as configuration values (environment variables on a host that cannot mount
 * files), against a KMS outside the application: seal and unseal work, readiness is up, and no
 * secret value shows in the health answer.
 */
@QuarkusTest
@TestProfile(CredentialsFromValuesTest.Values.class)
class CredentialsFromValuesTest {

    public static class Values implements QuarkusTestProfile {
        @Override
        public java.util.List<TestResourceEntry> testResources() {
            return java.util.List.of(
                    new TestResourceEntry(ExternalEmulatorResource.class, Map.of("mode", "values"), true));
        }
    }

    @Test
    void sealThenUnseal_withCredentialsFromValues_roundTrips() {
        String sealed = SealUnsealHttpTest.seal(Map.of("text", "no files mounted"));
        SealerHttp.unseal(sealed).then().statusCode(200).body("text", equalTo("no files mounted"));
    }

    @Test
    void readiness_isUpAndShowsNoSecret() {
        given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body(not(containsString(dev.sealer.testsupport.ExternalEmulatorResource.CLIENT_KEY)))
                .body(not(containsString("PrivateKeyData")))
                .body(not(containsString("BEGIN CERTIFICATE")));
    }
}
