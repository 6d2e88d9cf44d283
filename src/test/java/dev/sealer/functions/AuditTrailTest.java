package dev.sealer.functions;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sealer.testsupport.AuditLines;
import dev.sealer.testsupport.SealerHttp;
import dev.sealer.testsupport.TestSigner;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The audit trail, read back from its log category ({@code dev.sealer.audit}) as the application writes it:
 * one JSON line per call of every function, by every entry point, for success and for each kind of failure,
 * with the fields the README lists; one secret followed across seal, unseal and reseal by the SHA-256 of its
 * signing input; and no line holding anything secret the test sent (plaintexts, a sealed secret, a data key).
 */
@QuarkusTest
class AuditTrailTest {

    private static final String KID = "kbs:///default/sealed-secret/test-signing-key";
    private static final String SECRET = "audit-secret-3f9d1c";
    private static final String BATCH_SECRET = "audit-batch-secret-77ae";

    private AuditLines audit;

    @BeforeEach
    void listen() {
        audit = AuditLines.listen();
    }

    @AfterEach
    void stop() {
        audit.close();
    }

    @Test
    void oneSecret_isFollowedAcrossSealUnsealAndReseal_byItsSigningInputHash() throws Exception {
        String sealed = SealUnsealHttpTest.seal(Map.of("text", SECRET));
        SealUnsealHttpTest.unseal(sealed).then().statusCode(200);
        String resealed = given().contentType(ContentType.JSON)
                .body(Map.of("sealed", sealed))
                .when()
                .post("/reseal")
                .then()
                .statusCode(200)
                .extract()
                .path("sealed");

        List<JsonNode> records = records();
        assertThat(records).hasSize(3);
        String hash = signingInputSha256(sealed);

        JsonNode seal = records.get(0);
        assertThat(fields(seal))
                .containsExactly(
                        "time",
                        "function",
                        "entry_point",
                        "outcome",
                        "caller",
                        "provider",
                        "client_type",
                        "kid",
                        "sealed_sha256");
        assertThat(seal.get("function").asText()).isEqualTo("seal");
        assertThat(seal.get("entry_point").asText()).isEqualTo("http");
        assertThat(seal.get("outcome").asText()).isEqualTo("success");
        assertThat(seal.get("caller").asText()).isEqualTo("unauthenticated"); // the test profile lets everyone in
        assertThat(seal.get("provider").asText()).isEqualTo("aliyun");
        assertThat(seal.get("client_type").asText()).isEqualTo("client_key");
        assertThat(seal.get("kid").asText()).isEqualTo(KID);
        assertThat(texts(seal.get("sealed_sha256"))).containsExactly(hash);
        assertThat(java.time.Instant.parse(seal.get("time").asText())).isNotNull();

        JsonNode unseal = records.get(1);
        assertThat(unseal.get("function").asText()).isEqualTo("unseal");
        assertThat(unseal.get("outcome").asText()).isEqualTo("success");
        assertThat(texts(unseal.get("sealed_sha256"))).containsExactly(hash);

        JsonNode reseal = records.get(2);
        assertThat(reseal.get("function").asText()).isEqualTo("reseal");
        assertThat(texts(reseal.get("sealed_sha256"))).containsExactly(hash);
        assertThat(texts(reseal.get("resealed_sha256"))).containsExactly(signingInputSha256(resealed));
        assertThat(reseal.get("resealed_kid").asText()).isEqualTo(KID);

        assertNothingSecret(List.of(SECRET, sealed, resealed, encryptedKey(sealed), encryptedKey(resealed)));
    }

    @Test
    void failures_areRecordedWithTheirStableCode_andWhatTheSecretClaims() throws Exception {
        String sealed = SealUnsealHttpTest.seal(Map.of("text", SECRET));
        audit.clear();
        // malformed: nothing to summarize
        post("/unseal", Map.of("sealed", "not-sealed"), 400);
        // a forged signature: what it claims is recorded, with its hash
        String forged = TestSigner.random(KID).sign(TestSigner.payloadOf(sealed));
        post("/unseal", Map.of("sealed", forged), 400);
        // the KMS refuses: an unknown key
        post("/seal", Map.of("text", SECRET, "key_id", "key-unknown-to-kms"), 400);
        // refused by the entry point: unseal over CloudEvents is off here
        SealerHttp.event(given().contentType(ContentType.JSON), "dev.sealer.unseal", "audit-1", "/tests/audit")
                .body(Map.of("sealed", sealed))
                .when()
                .post("/")
                .then()
                .statusCode(403);

        List<JsonNode> records = records();
        assertThat(records)
                .extracting(
                        r -> r.get("function").asText() + ":" + r.get("outcome").asText())
                .containsExactly(
                        "unseal:malformed_sealed_secret",
                        "unseal:signature_invalid",
                        "seal:kms_key_not_found",
                        "unseal:forbidden");
        assertThat(records.get(0).has("sealed_sha256")).isFalse();
        assertThat(records.get(1).get("kid").asText()).isEqualTo(KID);
        assertThat(texts(records.get(1).get("sealed_sha256"))).containsExactly(signingInputSha256(forged));
        assertThat(records.get(3).get("entry_point").asText()).isEqualTo("events");
        assertThat(texts(records.get(3).get("sealed_sha256"))).containsExactly(signingInputSha256(sealed));

        assertNothingSecret(List.of(SECRET, sealed, forged, encryptedKey(sealed)));
    }

    @Test
    void batchSeal_andFunctionCompute_areOneLineEach() throws Exception {
        SealResponseBody batch = given().contentType(ContentType.JSON)
                .body(Map.of(
                        "secrets",
                        Map.of("A_KEY", Map.of("text", BATCH_SECRET), "B_KEY", Map.of("text", BATCH_SECRET + "-b"))))
                .when()
                .post("/seal")
                .then()
                .statusCode(200)
                .extract()
                .as(SealResponseBody.class);
        String fromFc = given().header("x-fc-function-handler", "seal")
                .header("x-fc-request-id", "audit-fc-1")
                .contentType("application/octet-stream")
                .body(("{\"text\":\"" + SECRET + "\"}").getBytes(StandardCharsets.UTF_8))
                .when()
                .post("/invoke")
                .then()
                .statusCode(200)
                .extract()
                .path("sealed");

        List<JsonNode> records = records();
        assertThat(records).hasSize(2);
        assertThat(texts(records.get(0).get("sealed_sha256")))
                .containsExactly(
                        signingInputSha256(batch.sealed().get("A_KEY")),
                        signingInputSha256(batch.sealed().get("B_KEY")));
        assertThat(records.get(1).get("entry_point").asText()).isEqualTo("fc");
        assertThat(texts(records.get(1).get("sealed_sha256"))).containsExactly(signingInputSha256(fromFc));

        assertNothingSecret(List.of(
                BATCH_SECRET,
                SECRET,
                fromFc,
                batch.sealed().get("A_KEY"),
                batch.sealed().get("B_KEY"),
                encryptedKey(fromFc)));
    }

    /** The seal answer of a batch, as a test reads it. */
    record SealResponseBody(Map<String, String> sealed) {}

    private void assertNothingSecret(List<String> secrets) {
        assertThat(audit.lines()).isNotEmpty();
        for (String line : audit.lines()) {
            assertThat(line).doesNotContain("sealed.").doesNotContain("\n");
            for (String secret : secrets) {
                assertThat(line).doesNotContain(secret);
            }
        }
    }

    private List<JsonNode> records() {
        return audit.records();
    }

    private static void post(String path, Map<String, ?> body, int status) {
        given().contentType(ContentType.JSON)
                .body(body)
                .when()
                .post(path)
                .then()
                .statusCode(status);
    }

    private static List<String> fields(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    /** Computed here as the format defines it: SHA-256 over the ASCII of {@code <header>.<payload>}. */
    static String signingInputSha256(String sealed) throws Exception {
        String[] parts = sealed.split("\\.");
        return HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256")
                        .digest((parts[1] + "." + parts[2]).getBytes(StandardCharsets.US_ASCII)));
    }

    private static String encryptedKey(String sealed) {
        return (String) TestSigner.payloadOf(sealed).get("encrypted_key");
    }
}
