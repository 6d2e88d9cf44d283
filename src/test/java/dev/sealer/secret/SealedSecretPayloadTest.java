package dev.sealer.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sealer.ErrorCode;
import dev.sealer.SealerException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The payload JSON of a sealed secret (docs/FORMAT.md, "The sealed secret"): exact CDH field names, the version checked before
 * anything else, then the type, then the fields of that type; strict about missing, mistyped and
 * unknown fields.
 */
class SealedSecretPayloadTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> ENVELOPE_REQUIRED =
            List.of("type", "provider", "key_id", "encrypted_key", "encrypted_data", "wrap_type", "iv");

    /** An envelope payload as the CDH writes it (fake ids). */
    private static ObjectNode cdhEnvelope() {
        ObjectNode node = JSON.createObjectNode()
                .put("version", "0.1.0")
                .put("type", "envelope")
                .put("provider", "aliyun")
                .put("key_id", "key-fake-0001")
                .put("encrypted_key", "AAECAw==")
                .put("encrypted_data", "BAUGBwgJCgsMDQ4PEBESExQ=")
                .put("wrap_type", "A256GCM")
                .put("iv", "AAAAAAAAAAAAAAAA");
        node.putObject("provider_settings")
                .put("client_key_id", "KAAP.fake")
                .put("kms_instance_id", "kst-fake")
                .put("client_type", "client_key");
        node.putObject("annotations").put("iv", "AQIDBAUGBwgJCgsM");
        return node;
    }

    private static ObjectNode cdhVault() {
        ObjectNode node = JSON.createObjectNode()
                .put("version", "0.1.0")
                .put("type", "vault")
                .put("provider", "aliyun")
                .put("name", "db-password");
        node.putObject("provider_settings").put("client_key_id", "KAAP.fake").put("kms_instance_id", "kst-fake");
        node.putObject("annotations").put("version_stage", "").put("version_id", "");
        return node;
    }

    // ---- accepted forms and the writer ----------------------------------------------------------

    @Test
    void parse_cdhEnvelope_readsEveryField() {
        SealedSecretPayload payload = parse(cdhEnvelope());

        assertThat(payload.version()).isEqualTo("0.1.0");
        assertThat(payload.type()).isEqualTo("envelope");
        assertThat(payload.provider()).isEqualTo("aliyun");
        assertThat(payload.keyId()).isEqualTo("key-fake-0001");
        assertThat(payload.encryptedKey()).isEqualTo("AAECAw==");
        assertThat(payload.encryptedData()).isEqualTo("BAUGBwgJCgsMDQ4PEBESExQ=");
        assertThat(payload.wrapType()).isEqualTo("A256GCM");
        assertThat(payload.iv()).isEqualTo("AAAAAAAAAAAAAAAA");
        assertThat(payload.name()).isNull();
        assertThat(payload.providerSettings())
                .containsExactly(
                        Map.entry("client_key_id", "KAAP.fake"),
                        Map.entry("kms_instance_id", "kst-fake"),
                        Map.entry("client_type", "client_key"));
        assertThat(payload.annotations()).containsExactly(Map.entry("iv", "AQIDBAUGBwgJCgsM"));
    }

    @Test
    void parse_cdhVault_readsEveryField() {
        SealedSecretPayload payload = parse(cdhVault());

        assertThat(payload.type()).isEqualTo("vault");
        assertThat(payload.name()).isEqualTo("db-password");
        assertThat(payload.keyId()).isNull();
        assertThat(payload.annotations()).containsEntry("version_stage", "").containsEntry("version_id", "");
    }

    @Test
    void parse_memberOrderDoesNotMatter() throws Exception {
        String reordered = "{\"iv\":\"AAAAAAAAAAAAAAAA\",\"wrap_type\":\"A256GCM\",\"encrypted_data\":\"AAAA\","
                + "\"encrypted_key\":\"AAAA\",\"key_id\":\"k\",\"provider\":\"aliyun\",\"type\":\"envelope\",\"version\":\"0.1.0\"}";

        assertThat(SealedSecretPayload.parse(reordered.getBytes(StandardCharsets.UTF_8))
                        .keyId())
                .isEqualTo("k");
    }

    @Test
    void parse_withoutProviderSettingsAndAnnotations_givesEmptyMaps() {
        ObjectNode node = cdhEnvelope();
        node.remove("provider_settings");
        node.putNull("annotations");

        SealedSecretPayload payload = parse(node);

        assertThat(payload.providerSettings()).isEmpty();
        assertThat(payload.annotations()).isEmpty();
    }

    @Test
    void toJson_envelope_hasExactlyTheCdhFieldNames() throws Exception {
        SealedSecretPayload payload = SealedSecretPayload.envelope(
                "aliyun",
                "key-1",
                "AAAA",
                "BBBB",
                "CCCCCCCCCCCCCCCC",
                Map.of("client_key_id", "KAAP.x", "kms_instance_id", "kst-x"),
                Map.of("iv", "DDDD"));

        JsonNode json = JSON.readTree(payload.toJson());

        assertThat(fieldNames(json))
                .containsExactlyInAnyOrder(
                        "version",
                        "type",
                        "provider",
                        "key_id",
                        "encrypted_key",
                        "encrypted_data",
                        "wrap_type",
                        "iv",
                        "provider_settings",
                        "annotations");
        assertThat(json.get("version").textValue()).isEqualTo("0.1.0");
        assertThat(json.get("type").textValue()).isEqualTo("envelope");
        assertThat(json.get("wrap_type").textValue()).isEqualTo("A256GCM");
        assertThat(SealedSecretPayload.parse(payload.toJson())).isEqualTo(payload);
    }

    @Test
    void toJson_vault_hasExactlyTheCdhFieldNames() throws Exception {
        SealedSecretPayload payload =
                SealedSecretPayload.vault("aliyun", "db", Map.of(), Map.of("version_stage", "ACSCurrent"));

        JsonNode json = JSON.readTree(payload.toJson());

        assertThat(fieldNames(json))
                .containsExactlyInAnyOrder("version", "type", "provider", "name", "provider_settings", "annotations");
        assertThat(SealedSecretPayload.parse(payload.toJson())).isEqualTo(payload);
    }

    // ---- version first ---------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"0.2.0", "0.1", "1.0.0", "0.1.0 ", " 0.1.0", "v0.1.0", "0.1.00", ""})
    void parse_versionOtherThan010_isUnsupportedVersion(String version) {
        ObjectNode node = cdhEnvelope().put("version", version);

        assertThat(codeOf(node)).isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
    }

    @Test
    void parse_wrongVersion_isReportedBeforeAnythingElse() {
        ObjectNode node = JSON.createObjectNode()
                .put("version", "9.9.9")
                .put("type", "bogus")
                .put("unknown_field", 1);
        node.put("provider", 42);

        assertThat(codeOf(node)).isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
    }

    @Test
    void parse_versionMissing_isMalformedNamingVersion() {
        ObjectNode node = cdhEnvelope();
        node.remove("version");

        SealerException e = exceptionOf(node);

        assertThat(e.errorCode()).isEqualTo(ErrorCode.MALFORMED_SEALED_SECRET);
        assertThat(e.getMessage()).contains("'version'");
    }

    @Test
    void parse_versionNotAString_isMalformed() {
        ObjectNode node = cdhEnvelope();
        node.put("version", 0.1);

        assertThat(codeOf(node)).isEqualTo(ErrorCode.MALFORMED_SEALED_SECRET);
    }

    // ---- type ------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"Envelope", "ENVELOPE", "vaults", "", "otp", "envelope "})
    void parse_unknownType_isUnsupportedType(String type) {
        assertThat(codeOf(cdhEnvelope().put("type", type))).isEqualTo(ErrorCode.UNSUPPORTED_TYPE);
    }

    // ---- required fields, types, unknown fields -----------------------------------------------------

    static Stream<String> envelopeRequiredFields() {
        return ENVELOPE_REQUIRED.stream();
    }

    @ParameterizedTest
    @MethodSource("envelopeRequiredFields")
    void parse_envelopeMissingARequiredField_isMalformedNamingIt(String field) {
        ObjectNode node = cdhEnvelope();
        node.remove(field);

        SealerException e = exceptionOf(node);

        assertThat(e.errorCode()).isEqualTo(ErrorCode.MALFORMED_SEALED_SECRET);
        assertThat(e.getMessage()).contains("'" + field + "'");
    }

    @ParameterizedTest
    @MethodSource("envelopeRequiredFields")
    void parse_envelopeRequiredFieldNull_isMalformedNamingIt(String field) {
        ObjectNode node = cdhEnvelope();
        node.putNull(field);

        SealerException e = exceptionOf(node);

        assertThat(e.errorCode()).isEqualTo(ErrorCode.MALFORMED_SEALED_SECRET);
        assertThat(e.getMessage()).contains("'" + field + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"name", "provider"})
    void parse_vaultMissingARequiredField_isMalformedNamingIt(String field) {
        ObjectNode node = cdhVault();
        node.remove(field);

        SealerException e = exceptionOf(node);

        assertThat(e.errorCode()).isEqualTo(ErrorCode.MALFORMED_SEALED_SECRET);
        assertThat(e.getMessage()).contains("'" + field + "'");
    }

    static Stream<String> envelopeStringFields() {
        return Stream.concat(Stream.of("version"), ENVELOPE_REQUIRED.stream());
    }

    @ParameterizedTest
    @MethodSource("envelopeStringFields")
    void parse_stringFieldOfWrongJsonType_isMalformedNamingIt(String field) {
        for (JsonNode wrong : List.<JsonNode>of(
                JSON.getNodeFactory().numberNode(1),
                JSON.getNodeFactory().booleanNode(true),
                JSON.createArrayNode().add("x"),
                JSON.createObjectNode().put("x", "y"))) {
            ObjectNode node = cdhEnvelope();
            node.set(field, wrong);

            SealerException e = exceptionOf(node);

            assertThat(e.errorCode()).as("%s = %s", field, wrong).isEqualTo(ErrorCode.MALFORMED_SEALED_SECRET);
            assertThat(e.getMessage()).contains("'" + field + "'");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"provider_settings", "annotations"})
    void parse_mapFieldNotAnObject_isMalformed(String field) {
        for (JsonNode wrong : List.<JsonNode>of(
                JSON.getNodeFactory().textNode("x"),
                JSON.createArrayNode(),
                JSON.getNodeFactory().numberNode(3))) {
            ObjectNode node = cdhEnvelope();
            node.set(field, wrong);

            SealerException e = exceptionOf(node);

            assertThat(e.errorCode()).isEqualTo(ErrorCode.MALFORMED_SEALED_SECRET);
            assertThat(e.getMessage()).contains("'" + field + "'");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"provider_settings", "annotations"})
    void parse_mapValueNotAString_isKeptAsPresentButNotAString_likeTheCdhsFreeJson(String field) {
        for (JsonNode other : List.<JsonNode>of(
                JSON.getNodeFactory().numberNode(1),
                JSON.getNodeFactory().nullNode(),
                JSON.createObjectNode(),
                JSON.createArrayNode(),
                JSON.getNodeFactory().booleanNode(false))) {
            ObjectNode node = cdhEnvelope();
            ((ObjectNode) node.get(field)).set("client_key_id", other);
            ((ObjectNode) node.get(field)).set("some_tool_extension", other);

            SealedSecretPayload payload = SealedSecretPayload.parse(bytes(node));

            Map<String, String> map = field.equals("annotations") ? payload.annotations() : payload.providerSettings();
            assertThat(map)
                    .as("%s value %s", field, other)
                    .containsKey("client_key_id")
                    .containsKey("some_tool_extension");
            assertThat(map.get("client_key_id"))
                    .as("a provider refuses it only if it reads it")
                    .isNull();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"extra", "name", "Key_id", "keyId", "signature"})
    void parse_envelopeWithUnknownTopLevelField_isIgnoredLikeTheCdh(String field) {
        SealedSecretPayload payload =
                SealedSecretPayload.parse(bytes(cdhEnvelope().put(field, "x")));

        assertThat(payload.type()).isEqualTo("envelope");
        assertThat(payload.name()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"key_id", "encrypted_key", "encrypted_data", "wrap_type", "iv", "extra"})
    void parse_vaultWithEnvelopeOrUnknownField_isIgnoredLikeTheCdh(String field) {
        SealedSecretPayload payload = SealedSecretPayload.parse(bytes(cdhVault().put(field, "x")));

        assertThat(payload.type()).isEqualTo("vault");
        assertThat(payload.keyId()).isNull();
        assertThat(payload.encryptedKey()).isNull();
    }

    @Test
    void parse_duplicateTopLevelMember_isMalformed_likeTheCdh() {
        String json = "{\"version\":\"0.1.0\",\"type\":\"vault\",\"type\":\"envelope\",\"name\":\"n\","
                + "\"provider\":\"aliyun\",\"provider_settings\":{},\"annotations\":{}}";

        SealerException e = catchThrowableOfType(
                SealerException.class, () -> SealedSecretPayload.parse(json.getBytes(StandardCharsets.UTF_8)));

        assertThat(e.errorCode()).isEqualTo(ErrorCode.MALFORMED_SEALED_SECRET);
    }

    // ---- not JSON ----------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "   ",
                "not json",
                "[]",
                "\"0.1.0\"",
                "null",
                "42",
                "{",
                "{\"version\":\"0.1.0\",}",
                "\u00ff\u00fe"
            })
    void parse_notAJsonObject_isMalformed(String text) {
        SealerException e = catchThrowableOfType(
                SealerException.class, () -> SealedSecretPayload.parse(text.getBytes(StandardCharsets.ISO_8859_1)));

        assertThat(e.errorCode()).isEqualTo(ErrorCode.MALFORMED_SEALED_SECRET);
    }

    @Test
    void parse_deeplyNestedArrays_isMalformedNotStackOverflow() {
        byte[] nested = "[".repeat(100_000).getBytes(StandardCharsets.US_ASCII);

        assertThat(catchThrowableOfType(SealerException.class, () -> SealedSecretPayload.parse(nested))
                        .errorCode())
                .isEqualTo(ErrorCode.MALFORMED_SEALED_SECRET);
    }

    @Test
    void parse_deeplyNestedValueInsideAValidPayload_isMalformedNotStackOverflow() {
        String json = cdhEnvelope().toString();
        String nested = json.substring(0, json.length() - 1) + ",\"annotations2\":" + "{\"a\":".repeat(100_000) + "1"
                + "}".repeat(100_000) + "}";

        assertThat(catchThrowableOfType(
                                SealerException.class,
                                () -> SealedSecretPayload.parse(nested.getBytes(StandardCharsets.US_ASCII)))
                        .errorCode())
                .isEqualTo(ErrorCode.MALFORMED_SEALED_SECRET);
    }

    // ---- helpers -------------------------------------------------------------------------------------

    private static SealedSecretPayload parse(ObjectNode node) {
        return SealedSecretPayload.parse(node.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static SealerException exceptionOf(ObjectNode node) {
        return catchThrowableOfType(SealerException.class, () -> parse(node));
    }

    private static ErrorCode codeOf(ObjectNode node) {
        SealerException e = exceptionOf(node);
        return e == null ? null : e.errorCode();
    }

    private static List<String> fieldNames(JsonNode json) {
        List<String> names = new java.util.ArrayList<>();
        json.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static byte[] bytes(ObjectNode node) {
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }
}
