package dev.sealer.functions;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sealer.emulator.KmsEmulator;
import dev.sealer.testsupport.SealerHttp;
import dev.sealer.testsupport.TestSigner;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Sealing a whole Kubernetes Secret in one call (all or nothing, bounded, optionally as a manifest),
 * and resealing without the plaintext leaving the service (a fresh data key, another KMS key, A256CTR
 * to A256GCM, vault pointers), on plain HTTP, CloudEvents and Function Compute.
 */
@QuarkusTest
class BatchAndResealTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Inject
    KmsEmulator emulator;

    private static Response post(String path, Object body) {
        return given().contentType(ContentType.JSON).body(body).when().post(path);
    }

    private static String unsealText(String sealed) {
        return post("/unseal", Map.of("sealed", sealed))
                .then()
                .statusCode(200)
                .extract()
                .path("text");
    }

    private static Map<String, Object> envFile() {
        Map<String, Object> secrets = new LinkedHashMap<>();
        secrets.put("DB_PASSWORD", Map.of("text", "batch-db-password-71a9"));
        secrets.put(
                "api.key",
                Map.of(
                        "plaintext",
                        Base64.getEncoder().encodeToString("batch-api-key-3c5e".getBytes(StandardCharsets.UTF_8))));
        secrets.put("tls_note", Map.of("text", "batch-tls-note-8d20"));
        return secrets;
    }

    // ---- batch ----------------------------------------------------------------------------------

    @Test
    void batch_sealsEverySecret_eachOpensToItsOwnValue() {
        Map<String, String> sealed = post("/seal", Map.of("secrets", envFile()))
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap("sealed", String.class, String.class);

        assertThat(sealed).containsOnlyKeys("DB_PASSWORD", "api.key", "tls_note");
        assertThat(unsealText(sealed.get("DB_PASSWORD"))).isEqualTo("batch-db-password-71a9");
        assertThat(unsealText(sealed.get("api.key"))).isEqualTo("batch-api-key-3c5e");
        assertThat(unsealText(sealed.get("tls_note"))).isEqualTo("batch-tls-note-8d20");
        assertThat(sealed.values().stream()
                        .map(s -> TestSigner.payloadOf(s).get("encrypted_key"))
                        .distinct())
                .as("a data key per secret")
                .hasSize(3);
    }

    @Test
    void batch_asAKubernetesSecret_isAManifestWhoseValuesAllOpen_asJsonAndAsYaml() throws Exception {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("secrets", envFile());
        request.put("output", "kubernetes-secret");
        request.put(
                "metadata",
                Map.of(
                        "name",
                        "app-secrets",
                        "namespace",
                        "confidential-apps",
                        "labels",
                        Map.of("app.kubernetes.io/name", "my-app")));

        JsonNode answer = JSON.readTree(
                post("/seal", request).then().statusCode(200).extract().asString());

        JsonNode json = answer.at("/manifest/json");
        JsonNode yaml = YAML.readTree(answer.at("/manifest/yaml").asText());
        for (JsonNode secret : new JsonNode[] {json, yaml}) {
            assertThat(secret.path("apiVersion").asText()).isEqualTo("v1");
            assertThat(secret.path("kind").asText()).isEqualTo("Secret");
            assertThat(secret.path("type").asText()).isEqualTo("Opaque");
            assertThat(secret.at("/metadata/name").asText()).isEqualTo("app-secrets");
            assertThat(secret.at("/metadata/namespace").asText()).isEqualTo("confidential-apps");
            assertThat(secret.at("/metadata/labels/app.kubernetes.io~1name").asText())
                    .isEqualTo("my-app");
            assertThat(unsealText(secret.at("/stringData/DB_PASSWORD").asText()))
                    .isEqualTo("batch-db-password-71a9");
            assertThat(unsealText(secret.at("/stringData/api.key").asText())).isEqualTo("batch-api-key-3c5e");
            assertThat(unsealText(secret.at("/stringData/tls_note").asText())).isEqualTo("batch-tls-note-8d20");
        }
        assertThat(yaml).isEqualTo(json);
        assertThat(answer.at("/manifest/yaml").asText()).doesNotContain("batch-db-password");
    }

    @Test
    void batch_withOneBadItem_failsWhole_namingTheKeyNotTheValue_beforeAnyKmsCall() {
        Map<String, Object> secrets = new LinkedHashMap<>(envFile());
        secrets.put("BROKEN", Map.of("plaintext", "not-base64-9f!"));
        emulator.faults().resetCounts();

        post("/seal", Map.of("secrets", secrets))
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_base64"))
                .body("message", containsString("'BROKEN'"))
                .body(not(containsString("not-base64-9f")))
                .body(not(containsString("sealed.")));

        assertThat(emulator.faults().requests("Encrypt")).as("nothing sealed").isZero();
    }

    /**
     * What Kubernetes' YAML reader would not read as a string when written plain. sigs.k8s.io/yaml (kubectl,
     * the API server; commit aadfabb of kubernetes-sigs/yaml) reads YAML with go.yaml.in/yaml/v2 v2.4.2 (its
     * go.mod), whose resolver (resolve.go at yaml/go-yaml v2.4.2, commit 246a95c) turns these words into
     * booleans, nulls or floats, and tries every plain scalar that starts with a digit, '+', '-' or '.' as a
     * number (underscores removed; 0x, 0o, 0b and leading-0 octal forms) or timestamp.
     */
    private static final java.util.Set<String> GO_YAML_V2_WORDS = java.util.Set.of(
            "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "n", "N", "no", "No", "NO",
            "false", "False", "FALSE", "off", "Off", "OFF", "", "~", "null", "Null", "NULL", ".nan", ".NaN", ".NAN",
            ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", "<<");

    @Test
    void batch_manifestYaml_isTheJsonManifest_evenForValuesYamlWouldTakeForNumbersOrBooleans() throws Exception {
        // every key and value a Kubernetes Secret allows that a YAML 1.1 reader could take for something else
        java.util.List<String> tricky = java.util.List.of(
                "123",
                "1.5",
                "0x1f",
                "0x1F",
                "1_000",
                "1e3",
                "1.5e3",
                "017",
                "0o17",
                "0b101",
                "-0b1",
                "-1",
                ".5",
                "2024-01-01",
                "y",
                "Y",
                "n",
                "N",
                "yes",
                "No",
                "on",
                "OFF",
                "true",
                "False",
                "null",
                "Null",
                "NULL",
                ".inf",
                "-.inf",
                ".NaN",
                "1__0",
                "_1");
        Map<String, Object> secrets = new LinkedHashMap<>();
        tricky.forEach(key -> secrets.put(key, Map.of("text", "v")));
        Map<String, String> labels = new LinkedHashMap<>();
        tricky.stream()
                .filter(value -> value.matches("([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?"))
                .forEach(value -> labels.put("k" + labels.size(), value));
        labels.put("v", "1.5");
        labels.put("b", "0x1f");
        labels.put("n", "1_000");
        labels.put("empty", "");
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("secrets", secrets);
        request.put("output", "kubernetes-secret");
        request.put("metadata", Map.of("name", "123", "namespace", "2024", "labels", labels));

        JsonNode answer = JSON.readTree(
                post("/seal", request).then().statusCode(200).extract().asString());
        String yaml = answer.at("/manifest/yaml").asText();

        // read back as YAML 1.1 (SnakeYAML: ints with '_', hex, octal, sexagesimal, booleans, timestamps) ...
        Map<String, Object> read = new org.yaml.snakeyaml.Yaml().load(yaml);
        Map<String, Object> json = JSON.convertValue(answer.at("/manifest/json"), Map.class);
        assertThat(read.get("metadata")).isEqualTo(json.get("metadata"));
        assertThat(((Map<?, ?>) read.get("stringData")).keySet())
                .isEqualTo(((Map<?, ?>) json.get("stringData")).keySet());
        assertThat(read.equals(json)).as("the YAML reads as the JSON manifest").isTrue();
        assertThat(((Map<?, ?>) json.get("metadata")).get("name")).isEqualTo("123");
        assertThat(((Map<?, ?>) ((Map<?, ?>) json.get("metadata")).get("labels")).get("b"))
                .isEqualTo("0x1f");
        // ... and no scalar written plain that go-yaml v2 (Kubernetes) would resolve to anything but a string
        for (org.yaml.snakeyaml.events.Event event :
                new org.yaml.snakeyaml.Yaml().parse(new java.io.StringReader(yaml))) {
            if (event instanceof org.yaml.snakeyaml.events.ScalarEvent scalar
                    && scalar.getScalarStyle() == org.yaml.snakeyaml.DumperOptions.ScalarStyle.PLAIN) {
                assertThat(scalar.getValue())
                        .as("plain scalar '%s'", scalar.getValue())
                        .doesNotMatch("[-+.0-9].*")
                        .isNotIn(GO_YAML_V2_WORDS);
            }
        }
    }

    @Test
    void batch_keysKubernetesRefuses_andTooManyLabels_areRefused() {
        for (String key : new String[] {".", "..", "..data", "..x"}) {
            post("/seal", Map.of("secrets", Map.of(key, Map.of("text", "x"))))
                    .then()
                    .statusCode(400)
                    .body("error", equalTo("invalid_request"))
                    .body("message", containsString("'..'"));
        }
        post("/seal", Map.of("secrets", Map.of(".dotfile", Map.of("text", "x"))))
                .then()
                .statusCode(200);

        Map<String, String> labels = IntStream.range(0, 65)
                .boxed()
                .collect(Collectors.toMap(i -> "l" + i, i -> "v", (a, b) -> a, LinkedHashMap::new));
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("secrets", Map.of("K", Map.of("text", "x")));
        request.put("output", "kubernetes-secret");
        request.put("metadata", Map.of("name", "n", "namespace", "ns", "labels", labels));
        post("/seal", request)
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_request"))
                .body("message", containsString("at most 64 labels"));
        labels.remove("l64");
        post("/seal", request).then().statusCode(200);
    }

    @Test
    void batch_itemWithBothOrNeitherValue_isNamed() {
        post("/seal", Map.of("secrets", Map.of("BOTH", Map.of("text", "a", "plaintext", "YQ=="))))
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_request"))
                .body("message", containsString("'BOTH'"));
        post("/seal", Map.of("secrets", Map.of("NEITHER", Map.of())))
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_request"))
                .body("message", containsString("'NEITHER'"));
    }

    @Test
    void batch_keyThatIsNoKubernetesDataKey_isRefused() {
        post("/seal", Map.of("secrets", Map.of("has space", Map.of("text", "x"))))
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_request"));
    }

    @Test
    void batch_beyondItsBounds_isRefused() {
        Map<String, Object> many = IntStream.range(0, 65)
                .boxed()
                .collect(Collectors.toMap(i -> "K" + i, i -> Map.of("text", "v"), (a, b) -> a, LinkedHashMap::new));
        post("/seal", Map.of("secrets", many))
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_request"))
                .body("message", containsString("1 to 64"));
        post("/seal", Map.of("secrets", Map.of())).then().statusCode(400).body("error", equalTo("invalid_request"));

        Map<String, Object> large = IntStream.range(0, 3)
                .boxed()
                .collect(Collectors.toMap(
                        i -> "L" + i, i -> Map.of("text", "x".repeat(200 * 1024)), (a, b) -> a, LinkedHashMap::new));
        post("/seal", Map.of("secrets", large)).then().statusCode(413).body("error", equalTo("payload_too_large"));
    }

    @Test
    void batch_limitCountsUtf8Bytes_notCharacters() {
        // 2 x 100,000 CJK characters: 200,000 characters, but 600,000 bytes of UTF-8, over the 512 KiB limit
        Map<String, Object> wide =
                Map.of("A", Map.of("text", "\u4e2d".repeat(100_000)), "B", Map.of("text", "\u4e2d".repeat(100_000)));
        post("/seal", Map.of("secrets", wide))
                .then()
                .statusCode(413)
                .body("error", equalTo("payload_too_large"))
                .body("message", containsString("batch limit of 524288 bytes"));
        // the same characters as ASCII (200,000 bytes) are inside it
        Map<String, Object> narrow =
                Map.of("A", Map.of("text", "x".repeat(100_000)), "B", Map.of("text", "y".repeat(100_000)));
        post("/seal", Map.of("secrets", narrow)).then().statusCode(200);
    }

    @Test
    void batch_manifestWithBadMetadata_isRefused() {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("secrets", Map.of("K", Map.of("text", "x")));
        request.put("output", "kubernetes-secret");
        request.put("metadata", Map.of("name", "Not_A_Name", "namespace", "ns"));
        post("/seal", request).then().statusCode(400).body("message", containsString("metadata.name"));
        request.put("metadata", Map.of("name", "ok"));
        post("/seal", request).then().statusCode(400).body("message", containsString("metadata.namespace"));
        request.remove("metadata");
        post("/seal", request).then().statusCode(400).body("message", containsString("metadata"));
        post("/seal", Map.of("text", "x", "output", "kubernetes-secret")).then().statusCode(400);
    }

    @Test
    void batch_overCloudEvents_answersTheMapInTheResultEvent() {
        Response answer = SealerHttp.event(given().contentType(ContentType.JSON), "dev.sealer.seal", "batch-1", "/test")
                .body(Map.of("secrets", envFile()))
                .when()
                .post("/");

        answer.then().statusCode(200).header("ce-type", "dev.sealer.seal.result");
        assertThat(unsealText(answer.jsonPath().getString("sealed.DB_PASSWORD")))
                .isEqualTo("batch-db-password-71a9");
    }

    // ---- reseal ---------------------------------------------------------------------------------

    @Test
    void reseal_givesAFreshDataKeyAndIv_sameSecret_plaintextNeverAnswered() {
        String sealed = post("/seal", Map.of("text", "reseal-me-4f3b"))
                .then()
                .statusCode(200)
                .extract()
                .path("sealed");

        Response answer = post("/reseal", Map.of("sealed", sealed));

        answer.then().statusCode(200).body(not(containsString("reseal-me-4f3b")));
        String resealed = answer.path("sealed");
        Map<String, Object> before = TestSigner.payloadOf(sealed);
        Map<String, Object> after = TestSigner.payloadOf(resealed);
        assertThat(after.get("encrypted_key")).isNotEqualTo(before.get("encrypted_key"));
        assertThat(after.get("iv")).isNotEqualTo(before.get("iv"));
        assertThat(after.get("key_id")).isEqualTo(before.get("key_id"));
        assertThat(unsealText(resealed)).isEqualTo("reseal-me-4f3b");
    }

    @Test
    void reseal_underAnotherKmsKey_rotatesTheKey() {
        String sealed = post("/seal", Map.of("text", "rotate-kms-key-2b8e"))
                .then()
                .statusCode(200)
                .extract()
                .path("sealed");

        String resealed = post("/reseal", Map.of("sealed", sealed, "key_id", "key-emulator-0002"))
                .then()
                .statusCode(200)
                .extract()
                .path("sealed");

        assertThat(TestSigner.payloadOf(resealed).get("key_id")).isEqualTo("key-emulator-0002");
        assertThat(unsealText(resealed)).isEqualTo("rotate-kms-key-2b8e");
    }

    @Test
    void reseal_vaultPointer_isSignedAgainAsItIs() {
        String sealed = post("/seal", Map.of("type", "vault", "name", "db-password"))
                .then()
                .statusCode(200)
                .extract()
                .path("sealed");

        String resealed = post("/reseal", Map.of("sealed", sealed))
                .then()
                .statusCode(200)
                .extract()
                .path("sealed");

        assertThat(TestSigner.payloadOf(resealed))
                .containsEntry("type", "vault")
                .containsEntry("name", "db-password");
        assertThat(unsealText(resealed)).isEqualTo("vault-secret-value");
        post("/reseal", Map.of("sealed", sealed, "key_id", "key-emulator-0002"))
                .then()
                .statusCode(400);
    }

    @Test
    void reseal_badInput_isRefusedLikeUnseal() {
        post("/reseal", Map.of("sealed", "sealed.a.b"))
                .then()
                .statusCode(400)
                .body("error", equalTo("malformed_sealed_secret"));
        post("/reseal", Map.of()).then().statusCode(400).body("error", equalTo("invalid_request"));
        String sealed = post("/seal", Map.of("text", "x-reseal-1234"))
                .then()
                .statusCode(200)
                .extract()
                .path("sealed");
        post("/reseal", Map.of("sealed", sealed, "key_id", "key-does-not-exist-42"))
                .then()
                .statusCode(400)
                .body("error", equalTo("kms_key_not_found"));
    }

    @Test
    void reseal_overCloudEventsAndFunctionCompute() {
        String sealed = post("/seal", Map.of("text", "reseal-everywhere-6a1c"))
                .then()
                .statusCode(200)
                .extract()
                .path("sealed");
        Function<Response, String> resealedOf =
                response -> response.then().statusCode(200).extract().path("sealed");

        String viaEvent = resealedOf.apply(
                SealerHttp.event(given().contentType(ContentType.JSON), "dev.sealer.reseal", "r-1", "/test")
                        .body(Map.of("sealed", sealed))
                        .when()
                        .post("/"));
        String viaFc = resealedOf.apply(given().contentType("application/octet-stream")
                .header("x-fc-request-id", "r-2")
                .header("x-fc-function-handler", "reseal")
                .body(("{\"sealed\":\"" + sealed + "\"}").getBytes(StandardCharsets.UTF_8))
                .when()
                .post("/invoke"));

        assertThat(unsealText(viaEvent)).isEqualTo("reseal-everywhere-6a1c");
        assertThat(unsealText(viaFc)).isEqualTo("reseal-everywhere-6a1c");
    }
}
