package dev.sealer.functions;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.sealer.emulator.KmsEmulator;
import dev.sealer.testsupport.CdhTools;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
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
 * Every reason {@code check} can give for a sealed string, each case built as the CDH's tools write it or the kata
 * agent hands it over ({@link CdhTools}), over HTTP: the verdict, and what unseal does with the very same string
 * (README: it opens what a stock CDH refuses, counting it; it refuses what only the CDH opens).
 */
@QuarkusTest
class CdhCasesHttpTest {

    private static final String VALUE = "vault-secret-value";

    @Inject
    KmsEmulator emulator;

    @ConfigProperty(name = "sealed-secret.signing.jwk-file")
    Path signingJwk;

    @ConfigProperty(name = "sealed-secret.signing.kid")
    String kid;

    @ConfigProperty(name = "sealed-secret.verification.key-dir")
    Path keyFolder;

    private ECKey key;

    @BeforeEach
    void readTheSigningKey() throws Exception {
        key = ECKey.parse(Files.readString(signingJwk, StandardCharsets.UTF_8));
    }

    private ObjectNode vault() {
        return CdhTools.vault("db-password", emulator.clientKeyId(), emulator.instanceId());
    }

    private String signed(ObjectNode payload) {
        return CdhTools.sealed(key, kid, payload);
    }

    private String signed(String header, byte[] payload) {
        return CdhTools.sealed(key, header, payload);
    }

    private byte[] vaultBytes() {
        return vault().toString().getBytes(StandardCharsets.UTF_8);
    }

    private String header(String extra) {
        return "{\"alg\":\"ES256\",\"kid\":\"" + kid + "\"" + extra + "}";
    }

    private static void verdict(String sealed, String reason, boolean valid, boolean opensInStockCdh) {
        given().contentType("application/json")
                .body(Map.of("sealed", sealed))
                .when()
                .post("/check")
                .then()
                .statusCode(200)
                .body("secrets[0].valid", equalTo(valid))
                .body("secrets[0].opens_in_stock_cdh", equalTo(opensInStockCdh))
                .body("secrets[0].cdh_problems", contains(reason));
    }

    private static Response unseal(String sealed) {
        return given().contentType("application/json")
                .body(Map.of("sealed", sealed))
                .when()
                .post("/unseal");
    }

    private static long counted(String reason) {
        String prefix = "sealer_cdh_incompatible_total{reason=\"" + reason + "\"}";
        return given().when()
                .get("/q/metrics")
                .then()
                .extract()
                .asString()
                .lines()
                .filter(line -> line.startsWith(prefix))
                .mapToLong(line -> (long)
                        Double.parseDouble(line.substring(prefix.length()).trim()))
                .sum();
    }

    /** What a stock CDH refuses: unseal opens it, as documented, and counts it under its reason. */
    private void cdhRefuses(String reason, String sealed) {
        verdict(sealed, reason, true, false);
        long before = counted(reason);
        unseal(sealed).then().statusCode(200).body("text", equalTo(VALUE));
        assertThat(counted(reason)).as(reason).isEqualTo(before + 1);
    }

    /** What only a stock CDH opens: unseal refuses it with the code check names. */
    private void hereRefuses(String reason, String sealed, String error) {
        verdict(sealed, reason, false, true);
        given().contentType("application/json")
                .body(Map.of("sealed", sealed))
                .when()
                .post("/check")
                .then()
                .body("secrets[0].error", equalTo(error));
        unseal(sealed).then().statusCode(400).body("error", equalTo(error));
    }

    @Test
    void whatAStockCdhRefuses_opensHere_andIsCounted() {
        byte[] json = vaultBytes();
        byte[] bom = new byte[json.length + 3];
        bom[0] = (byte) 0xef;
        bom[1] = (byte) 0xbb;
        bom[2] = (byte) 0xbf;
        System.arraycopy(json, 0, bom, 3, json.length);
        ObjectNode noSettings = vault();
        noSettings.remove("provider_settings");
        ObjectNode nullSettings = vault();
        nullSettings.putNull("provider_settings");
        ObjectNode noClientType = vault();
        noClientType.putObject("provider_settings");
        ObjectNode noAnnotations = vault();
        noAnnotations.remove("annotations");

        cdhRefuses("surrounding_whitespace", CdhTools.asJqWroteIt(signed(vault())));
        cdhRefuses("payload_byte_order_mark", signed(CdhTools.cliHeader(kid), bom));
        cdhRefuses("payload_trailing_data", signed(CdhTools.cliHeader(kid), (vault() + " x").getBytes()));
        cdhRefuses("header_member_malformed", signed(header(",\"typ\":1"), vaultBytes()));
        cdhRefuses("header_member_malformed", signed(header(",\"x5c\":[\"%%\"]"), vaultBytes()));
        cdhRefuses("provider_settings_missing", signed(noSettings));
        cdhRefuses("provider_settings_missing", signed(nullSettings));
        cdhRefuses("client_type_missing", signed(noClientType));
        cdhRefuses("annotations_missing", signed(noAnnotations));
    }

    @Test
    void legacyUnsignedForm_opensNowhere_whileVerificationIsOn() {
        String payload = Base64.getUrlEncoder().withoutPadding().encodeToString(vaultBytes());
        String legacy = "sealed.fakejwsheader." + payload + ".fakesignature";

        given().contentType("application/json")
                .body(Map.of("sealed", legacy))
                .when()
                .post("/check")
                .then()
                .body("secrets[0].valid", equalTo(false))
                .body("secrets[0].error", equalTo("signature_required"))
                .body("secrets[0].signature", equalTo("unsigned"))
                .body("secrets[0].opens_in_stock_cdh", equalTo(false))
                .body("secrets[0].cdh_problems", contains("legacy_unsigned"));
        unseal(legacy).then().statusCode(400).body("error", equalTo("signature_required"));
    }

    @Test
    void whatOnlyAStockCdhOpens_isRefusedHere_withTheCodeCheckNames() {
        String sealed = signed(vault());
        String json = vault().toString();

        hereRefuses("no_prefix", sealed.substring("sealed.".length()), "malformed_sealed_secret");
        hereRefuses("repeated_prefix", "sealed." + sealed, "malformed_sealed_secret");
        hereRefuses(
                "header_b64_false",
                signed("{\"b64\":false," + header("").substring(1), vaultBytes()),
                "malformed_sealed_secret");
        hereRefuses(
                "header_unknown_crit",
                signed(header(",\"crit\":[\"exp\"],\"exp\":1"), vaultBytes()),
                "malformed_sealed_secret");
        hereRefuses(
                "duplicate_unknown_member",
                signed(header(",\"x\":1,\"x\":2"), vaultBytes()),
                "malformed_sealed_secret");
        hereRefuses(
                "duplicate_unknown_member",
                signed(
                        CdhTools.cliHeader(kid),
                        (json.substring(0, json.length() - 1) + ",\"n\":1,\"n\":2}").getBytes()),
                "malformed_sealed_secret");
        hereRefuses("kid_query", CdhTools.sealed(key, kid + "?version=2", vault()), "invalid_id");
        hereRefuses(
                "kid_dot_segment",
                CdhTools.sealed(key, "kbs:///default/other/../sealed-secret/test-signing-key", vault()),
                "invalid_id");
    }

    @Test
    void fileKid_opensHere_andInAGuestThatShipsTheKey() throws Exception {
        ECKey teamKey = new ECKeyGenerator(Curve.P_256).generate();
        Path file = keyFolder.resolve("cdh-cases/key-1");
        Files.createDirectories(file.getParent());
        Files.writeString(file, teamKey.toPublicJWK().toJSONString());
        String sealed = CdhTools.sealed(teamKey, "cdh-cases/key-1", vault());

        verdict(sealed, "file_kid", true, true);
        given().contentType("application/json")
                .body(Map.of("sealed", sealed))
                .when()
                .post("/check")
                .then()
                .body("secrets[0].kid_form", equalTo("file"))
                .body("secrets[0].signature", equalTo("valid"));
        unseal(sealed).then().statusCode(200).body("text", equalTo(VALUE));
    }

    @Test
    void reseal_ofWhatAStockCdhRefuses_writesWhatItOpens() {
        ObjectNode noClientType = vault();
        noClientType.putObject("provider_settings");
        noClientType.remove("annotations");
        String resealed = given().contentType("application/json")
                .body(Map.of("sealed", CdhTools.asJqWroteIt(signed(noClientType))))
                .when()
                .post("/reseal")
                .then()
                .statusCode(200)
                .extract()
                .path("sealed");

        given().contentType("application/json")
                .body(Map.of("sealed", resealed))
                .when()
                .post("/check")
                .then()
                .body("secrets[0].valid", equalTo(true))
                .body("secrets[0].client_type", equalTo("client_key"))
                .body("secrets[0].opens_in_stock_cdh", equalTo(true))
                .body("secrets[0].cdh_problems", org.hamcrest.Matchers.empty());
    }
}
