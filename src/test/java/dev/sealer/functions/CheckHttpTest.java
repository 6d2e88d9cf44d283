package dev.sealer.functions;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.jwk.ECKey;
import dev.sealer.emulator.KmsEmulator;
import dev.sealer.testsupport.CdhTools;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /check} over real HTTP: each case built as the CDH's tools write it or as the kata agent hands it
 * over ({@link CdhTools}), its verdict, and what unseal does with the same string (as forgiving as documented,
 * counting what a stock CDH would refuse).
 */
@QuarkusTest
class CheckHttpTest {

    @Inject
    KmsEmulator emulator;

    @ConfigProperty(name = "sealed-secret.signing.jwk-file")
    Path signingJwk;

    @ConfigProperty(name = "sealed-secret.signing.kid")
    String uriKid;

    private ECKey signingKey;

    @BeforeEach
    void readTheSigningKey() throws Exception {
        signingKey = ECKey.parse(Files.readString(signingJwk, StandardCharsets.UTF_8));
    }

    private ObjectNode cliVault() {
        return CdhTools.vault("db-password", emulator.clientKeyId(), emulator.instanceId());
    }

    static ValidatableResponse check(Map<String, String> request) {
        return given().contentType(ContentType.JSON)
                .body(request)
                .when()
                .post("/check")
                .then();
    }

    private static long incompatibleCount(String reason) {
        String prefix = "sealer_cdh_incompatible_total{reason=\"" + reason + "\"}";
        return given().when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString()
                .lines()
                .filter(line -> line.startsWith(prefix))
                .mapToLong(line -> (long)
                        Double.parseDouble(line.substring(prefix.length()).trim()))
                .sum();
    }

    @Test
    void whatSealWrites_opensHereAndInAStockCdh_envelopeAndVault() {
        String envelope = SealUnsealHttpTest.seal(Map.of("text", "check-me"));
        String vault = SealUnsealHttpTest.seal(Map.of("type", "vault", "name", "db-password"));

        for (String sealed : new String[] {envelope, vault}) {
            check(Map.of("sealed", sealed))
                    .statusCode(200)
                    .body("secrets", hasSize(1))
                    .body("secrets[0].valid", equalTo(true))
                    .body("secrets[0].error", nullValue())
                    .body("secrets[0].provider", equalTo("aliyun"))
                    .body("secrets[0].client_type", equalTo("client_key"))
                    .body("secrets[0].kid", equalTo(uriKid))
                    .body("secrets[0].kid_form", equalTo("kbs_uri"))
                    .body("secrets[0].signature", equalTo("valid"))
                    .body("secrets[0].opens_in_stock_cdh", equalTo(true))
                    .body("secrets[0].cdh_problems", empty());
        }
        check(Map.of("sealed", envelope)).body("secrets[0].type", equalTo("envelope"));
    }

    @Test
    void jqOutputInASecretFile_opensHere_notInThePod_andUnsealCountsIt() {
        String sealed = CdhTools.asJqWroteIt(SealUnsealHttpTest.seal(Map.of("text", "line-break")));
        long before = incompatibleCount("surrounding_whitespace");

        check(Map.of("sealed", sealed))
                .statusCode(200)
                .body("secrets[0].valid", equalTo(true))
                .body("secrets[0].opens_in_stock_cdh", equalTo(false))
                .body("secrets[0].cdh_problems", contains("surrounding_whitespace"));
        SealUnsealHttpTest.unseal(sealed).then().statusCode(200).body("text", equalTo("line-break"));

        assertThat(incompatibleCount("surrounding_whitespace")).isEqualTo(before + 1);
    }

    @Test
    void cliVaultWithEmptyProviderSettings_opensHere_notInTheCdh_andUnsealCountsIt() {
        // what `secret seal vault --provider aliyun` writes without --provider-settings
        ObjectNode payload = cliVault();
        payload.putObject("provider_settings");
        String sealed = CdhTools.sealed(signingKey, uriKid, payload);
        long before = incompatibleCount("client_type_missing");

        check(Map.of("sealed", sealed))
                .statusCode(200)
                .body("secrets[0].valid", equalTo(true))
                .body("secrets[0].client_type", nullValue())
                .body("secrets[0].opens_in_stock_cdh", equalTo(false))
                .body("secrets[0].cdh_problems", contains("client_type_missing"));
        SealUnsealHttpTest.unseal(sealed).then().statusCode(200).body("text", equalTo("vault-secret-value"));

        assertThat(incompatibleCount("client_type_missing")).isEqualTo(before + 1);
    }

    @Test
    void whatOnlyTheCdhOpens_isNotValidHere_butOpensThere() {
        String sealed = CdhTools.sealed(signingKey, uriKid, cliVault());
        String b64False = CdhTools.sealed(
                signingKey,
                "{\"b64\":false,\"alg\":\"ES256\",\"kid\":\"" + uriKid + "\"}",
                cliVault().toString().getBytes(StandardCharsets.UTF_8));

        check(Map.of("sealed", sealed.substring("sealed.".length())))
                .body("secrets[0].valid", equalTo(false))
                .body("secrets[0].error", equalTo("malformed_sealed_secret"))
                .body("secrets[0].signature", nullValue())
                .body("secrets[0].opens_in_stock_cdh", equalTo(true))
                .body("secrets[0].cdh_problems", contains("no_prefix"));
        check(Map.of("sealed", b64False))
                .body("secrets[0].valid", equalTo(false))
                .body("secrets[0].error", equalTo("malformed_sealed_secret"))
                .body("secrets[0].opens_in_stock_cdh", equalTo(true))
                .body("secrets[0].cdh_problems", contains("header_b64_false"));
        SealUnsealHttpTest.unseal(b64False).then().statusCode(400).body("error", equalTo("malformed_sealed_secret"));
    }

    @Test
    void signatureStates_areTold() {
        String sealed = CdhTools.sealed(signingKey, uriKid, cliVault());
        String tampered = sealed.substring(0, sealed.length() - 2) + (sealed.endsWith("AA") ? "BA" : "AA");
        String unknownKid = CdhTools.sealed(signingKey, "kbs:///default/sealed-secret/nobody-has-it", cliVault());

        check(Map.of("sealed", tampered))
                .body("secrets[0].valid", equalTo(false))
                .body("secrets[0].signature", equalTo("invalid"))
                .body("secrets[0].opens_in_stock_cdh", equalTo(false));
        check(Map.of("sealed", unknownKid))
                .body("secrets[0].valid", equalTo(false))
                .body("secrets[0].error", equalTo("unknown_kid"))
                .body("secrets[0].signature", equalTo("key_unknown"));
    }

    @Test
    void manifest_everySealedValueOfEverySecret_asThePodReceivesIt() {
        String sealed = SealUnsealHttpTest.seal(Map.of("text", "in-a-manifest"));
        String data =
                Base64.getEncoder().encodeToString(CdhTools.asJqWroteIt(sealed).getBytes(StandardCharsets.UTF_8));
        String manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: other}\ndata: {a: \"" + sealed + "\"}\n"
                + "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: " + data + "\n"
                + "  plain: " + Base64.getEncoder().encodeToString("not sealed".getBytes()) + "\n"
                + "stringData:\n  token: \"" + sealed + "\"\n";

        check(Map.of("manifest", manifest))
                .statusCode(200)
                .body("secrets", hasSize(2))
                .body("secrets[0].document", equalTo(1))
                .body("secrets[0].secret", equalTo("db"))
                .body("secrets[0].key", equalTo("token"))
                .body("secrets[0].cdh_problems", empty())
                .body("secrets[1].key", equalTo("password"))
                .body("secrets[1].valid", equalTo(true))
                .body("secrets[1].cdh_problems", contains("surrounding_whitespace"));
        check(Map.of(
                        "manifest",
                        "{\"kind\":\"Secret\",\"metadata\":{\"name\":\"j\"},\"stringData\":{\"k\":\"" + sealed
                                + "\"}}"))
                .statusCode(200)
                .body("secrets[0].secret", equalTo("j"))
                .body("secrets[0].opens_in_stock_cdh", equalTo(true));
    }

    @Test
    void badRequests_areRefused_withStableCodes() {
        given().contentType(ContentType.JSON)
                .body("{}")
                .when()
                .post("/check")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_request"));
        check(Map.of("sealed", "x", "manifest", "y")).statusCode(400).body("error", equalTo("invalid_request"));
        check(Map.of("manifest", "a: [")).statusCode(400).body("error", equalTo("invalid_request"));
        given().contentType(ContentType.JSON)
                .body("{\"sealed\":\"x\",\"other\":1}")
                .when()
                .post("/check")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_request"));
    }

    @Test
    void overCloudEvents_theCheckTypeAnswersAResultEvent() {
        String sealed = SealUnsealHttpTest.seal(Map.of("text", "event"));

        given().contentType(ContentType.JSON)
                .header("ce-id", "check-1")
                .header("ce-type", "dev.sealer.check")
                .header("ce-source", "/tests/check")
                .header("ce-specversion", "1.0")
                .body(Map.of("sealed", sealed))
                .when()
                .post("/")
                .then()
                .statusCode(200)
                .header("ce-type", "dev.sealer.check.result")
                .body("secrets[0].opens_in_stock_cdh", equalTo(true));
    }

    @Test
    void sealWithARelativeTokenPath_isRefused() {
        given().contentType(ContentType.JSON)
                .body(Map.of(
                        "type", "vault",
                        "name", "db-password",
                        "provider_settings",
                                Map.of(
                                        "client_type", "sts_token",
                                        "token_path", "emulator-sts-token",
                                        "region_id", "cn-hangzhou")))
                .when()
                .post("/seal")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_id"))
                .body("message", org.hamcrest.Matchers.containsString("must be an absolute path"));
    }
}
