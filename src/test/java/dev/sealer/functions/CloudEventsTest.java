package dev.sealer.functions;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import dev.sealer.testsupport.SealerHttp;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * seal and unseal as Knative Eventing delivers them: CloudEvents in binary and structured mode. unseal
 * over events is off by default (its answer would carry the secret onto the broker): refused with 403,
 * which Knative does not retry; {@link UnsealOverEventsTest} has it on, with encrypted answers.
 */
@QuarkusTest
class CloudEventsTest {

    static final String SEAL_TYPE = "dev.sealer.seal";
    static final String UNSEAL_TYPE = "dev.sealer.unseal";

    private static RequestSpecification binary(String type, String id) {
        return SealerHttp.event(given().contentType(ContentType.JSON), type, id, "/tests/cloudevents");
    }

    private static Map<String, Object> structured(String type, Object data) {
        return Map.of(
                "specversion",
                "1.0",
                "id",
                "evt-" + type,
                "source",
                "/tests/cloudevents",
                "type",
                type,
                "datacontenttype",
                "application/json",
                "data",
                data);
    }

    @Test
    void binaryEvents_seal_answersWithResultEvent_unsealIsForbiddenByDefault() {
        Response sealed = binary(SEAL_TYPE, "b-1")
                .body(Map.of("text", "binary-mode-secret-3a1"))
                .when()
                .post("/");
        sealed.then()
                .statusCode(200)
                .header("ce-type", "dev.sealer.seal.result")
                .header("ce-source", "/aliyun-kms-sealer")
                .header("ce-specversion", "1.0")
                .header("ce-id", not(emptyOrNullString()))
                .body("sealed", startsWith("sealed."));

        binary(UNSEAL_TYPE, "b-2")
                .body(Map.of("sealed", sealed.path("sealed")))
                .when()
                .post("/")
                .then()
                .statusCode(403)
                .body("error", equalTo("forbidden"))
                .body(not(org.hamcrest.Matchers.containsString("binary-mode-secret-3a1")));
        // plain HTTP unseal is not affected
        SealerHttp.unseal(sealed.path("sealed")).then().statusCode(200).body("text", equalTo("binary-mode-secret-3a1"));
    }

    @Test
    void structuredEvents_seal_answersWithResultEvent_unsealIsForbiddenByDefault() {
        Response sealed = given().contentType("application/cloudevents+json")
                .body(structured(SEAL_TYPE, Map.of("text", "structured-mode-secret-7c2")))
                .when()
                .post("/");
        sealed.then()
                .statusCode(200)
                .contentType(startsWith("application/cloudevents+json"))
                .body("type", equalTo("dev.sealer.seal.result"))
                .body("source", equalTo("/aliyun-kms-sealer"))
                .body("specversion", equalTo("1.0"))
                .body("id", not(emptyOrNullString()))
                .body("data.sealed", startsWith("sealed."));

        given().contentType("application/cloudevents+json")
                .body(structured(UNSEAL_TYPE, Map.of("sealed", sealed.path("data.sealed"))))
                .when()
                .post("/")
                .then()
                .statusCode(403)
                .body("error", equalTo("forbidden"))
                .body(not(org.hamcrest.Matchers.containsString("structured-mode-secret-7c2")));
    }

    @Test
    void binaryEvent_unknownType_isNotFound() {
        binary("dev.sealer.explode", "b-3")
                .body(Map.of("text", "x"))
                .when()
                .post("/")
                .then()
                .statusCode(404)
                .body("error", equalTo("not_found"));
    }

    @Test
    void binaryEvent_withoutType_isInvalidRequest() {
        given().contentType(ContentType.JSON)
                .header("ce-id", "b-4")
                .header("ce-source", "/t")
                .header("ce-specversion", "1.0")
                .body(Map.of("text", "x"))
                .when()
                .post("/")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_request"));
    }

    @Test
    void binaryEvent_nonJsonData_isUnsupportedMediaType() {
        SealerHttp.event(given().contentType("text/plain"), SEAL_TYPE, "b-5", "/t")
                .body("hello")
                .when()
                .post("/")
                .then()
                .statusCode(415)
                .body("error", equalTo("unsupported_media_type"));
    }

    @Test
    void structuredEvent_withoutType_isInvalidRequest() {
        given().contentType("application/cloudevents+json")
                .body(Map.of("specversion", "1.0", "id", "s-1", "source", "/t", "data", Map.of("text", "x")))
                .when()
                .post("/")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_request"));
    }

    @Test
    void structuredEvent_notJson_isInvalidRequest() {
        given().contentType("application/cloudevents+json")
                .body("{not json")
                .when()
                .post("/")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_request"));
    }

    @Test
    void events_withBadData_areInvalidRequest() {
        binary(SEAL_TYPE, "b-6")
                .body("{\"text\": 1}")
                .when()
                .post("/")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_request"));
        given().contentType("application/cloudevents+json")
                .body(structured(UNSEAL_TYPE, Map.of("sealed", "nope")))
                .when()
                .post("/")
                .then()
                .statusCode(403)
                .body("error", equalTo("forbidden"));
        given().contentType("application/cloudevents+json")
                .body(structured(UNSEAL_TYPE, Map.of("unknown", "x")))
                .when()
                .post("/")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_request"));
    }
}
