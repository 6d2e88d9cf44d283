package dev.sealer.testsupport;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.startsWith;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.Map;

/**
 * The calls most tests of the running application start from, written once: seal over {@code POST /seal}
 * (expecting 200 and a {@code sealed.} secret), unseal over {@code POST /unseal}, and the headers of a
 * binary-mode CloudEvent. Each takes an optional request to start from (for an {@code Authorization} or
 * {@code traceparent} header); the answer of unseal is left to the test to check.
 */
public final class SealerHttp {

    /** The {@code ce-specversion} every event here carries. */
    public static final String SPEC_VERSION = "1.0";

    private SealerHttp() {}

    /** Seals a UTF-8 text; the sealed secret. */
    public static String sealText(String text) {
        return seal(given(), Map.of("text", text));
    }

    /** Seals this request body ({@code text} or {@code plaintext}, and any options); the sealed secret. */
    public static String seal(Map<String, ?> request) {
        return seal(given(), request);
    }

    /** Seals this request body, on a request that carries the caller's headers; the sealed secret. */
    public static String seal(RequestSpecification caller, Map<String, ?> request) {
        return caller.contentType(ContentType.JSON)
                .body(request)
                .when()
                .post("/seal")
                .then()
                .statusCode(200)
                .body("sealed", startsWith("sealed."))
                .extract()
                .path("sealed");
    }

    /** Unseals over {@code POST /unseal}; the answer, unchecked. */
    public static Response unseal(String sealed) {
        return unseal(given(), sealed);
    }

    /** Unseals on a request that carries the caller's headers; the answer, unchecked. */
    public static Response unseal(RequestSpecification caller, String sealed) {
        return caller.contentType(ContentType.JSON)
                .body(Map.of("sealed", sealed))
                .when()
                .post("/unseal");
    }

    /** A binary-mode CloudEvent's headers ({@code ce-id}, {@code ce-type}, {@code ce-source}, {@code ce-specversion}). */
    public static RequestSpecification event(String type, String id, String source) {
        return event(given(), type, id, source);
    }

    /** The same headers added to a request that carries others. */
    public static RequestSpecification event(RequestSpecification request, String type, String id, String source) {
        return request.header("ce-id", id)
                .header("ce-type", type)
                .header("ce-source", source)
                .header("ce-specversion", SPEC_VERSION);
    }
}
