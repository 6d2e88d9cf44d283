package dev.sealer.functions;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealer.testsupport.RawHttp;
import dev.sealer.testsupport.TestSigner;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input battery: hostile or broken input of every kind, on every entry point. Each case
 * gets its documented 4xx and stable error code; none gets a 500, a stack trace or a hint of secret
 * material; and the service answers correctly right after. Add a case for every bug found.
 */
@QuarkusTest
class BadInputBatteryTest {

    private static final String SECRET = "battery-secret-9c41e";

    @TestHTTPResource("/")
    java.net.URL root;

    /** One hostile request, built from a valid sealed secret and a signer for forged payloads. */
    record Case(String name, Function<Fixture, Request> request, int status, String error) {
        @Override
        public String toString() {
            return name;
        }
    }

    record Request(String path, String contentType, Map<String, String> headers, byte[] body) {
        static Request json(String path, String body) {
            return new Request(path, "application/json", Map.of(), body.getBytes(StandardCharsets.UTF_8));
        }

        static Request unseal(String sealed) {
            return json("/unseal", "{\"sealed\":\"" + sealed + "\"}");
        }
    }

    record Fixture(String sealed, TestSigner signer) {
        String[] parts() {
            return sealed.split("\\.");
        }

        Map<String, Object> payload() {
            return new LinkedHashMap<>(TestSigner.payloadOf(sealed));
        }

        String with(String field, Object value) {
            Map<String, Object> payload = payload();
            if (value == null) {
                payload.remove(field);
            } else {
                payload.put(field, value);
            }
            return signer.sign(payload);
        }

        String withSetting(String field, Object value) {
            Map<String, Object> settings =
                    new LinkedHashMap<>((Map<String, Object>) payload().get("provider_settings"));
            settings.put(field, value);
            return with("provider_settings", settings);
        }

        /** A vault secret of the provider {@code aliyun} with these provider settings, signed with the service's key. */
        String vault(Map<String, Object> settings) {
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("version", "0.1.0");
            payload.put("type", "vault");
            payload.put("name", "db-password");
            payload.put("provider", "aliyun");
            payload.put("provider_settings", settings);
            payload.put("annotations", Map.of());
            return signer.sign(payload);
        }

        String replacePart(int index, String value) {
            String[] parts = parts();
            parts[index] = value;
            return String.join(".", parts);
        }
    }

    @ConfigProperty(name = "sealed-secret.signing.jwk-file")
    Path signingJwk;

    @ConfigProperty(name = "sealed-secret.signing.kid")
    String kid;

    private Fixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new Fixture(SealUnsealHttpTest.seal(Map.of("text", SECRET)), TestSigner.fromJwkFile(signingJwk, kid));
    }

    static Stream<Arguments> cases() {
        List<Case> cases = new ArrayList<>();
        String nul = "\\u0000";
        String longId = "a".repeat(4096);
        // Request bodies
        cases.add(new Case("not JSON", f -> Request.json("/unseal", "sealed please"), 400, "invalid_request"));
        cases.add(new Case("JSON array", f -> Request.json("/unseal", "[1,2]"), 400, "invalid_request"));
        cases.add(new Case("JSON string", f -> Request.json("/seal", "\"x\""), 400, "invalid_request"));
        cases.add(new Case("empty body", f -> Request.json("/seal", ""), 400, "invalid_request"));
        cases.add(new Case(
                "deeply nested JSON",
                f -> Request.json("/seal", "{\"text\":" + "[".repeat(100_000) + "}"),
                400,
                "invalid_request"));
        cases.add(new Case(
                "unknown field",
                f -> Request.json("/unseal", "{\"sealed\":\"" + f.sealed() + "\",\"x\":1}"),
                400,
                "invalid_request"));
        cases.add(new Case(
                "sealed of wrong type", f -> Request.json("/unseal", "{\"sealed\":42}"), 400, "invalid_request"));
        cases.add(new Case("sealed null", f -> Request.json("/unseal", "{\"sealed\":null}"), 400, "invalid_request"));
        cases.add(new Case(
                "huge body",
                f -> Request.json("/unseal", "{\"sealed\":\"" + "A".repeat(5_000_000) + "\"}"),
                413,
                "payload_too_large"));
        cases.add(new Case(
                "plaintext in url alphabet",
                f -> Request.json("/seal", "{\"plaintext\":\"_-_-\"}"),
                400,
                "invalid_base64"));
        cases.add(new Case(
                "plaintext without padding",
                f -> Request.json("/seal", "{\"plaintext\":\"YWI\"}"),
                400,
                "invalid_base64"));
        cases.add(new Case(
                "key id with ../",
                f -> Request.json("/seal", "{\"text\":\"a\",\"key_id\":\"../k\"}"),
                400,
                "invalid_id"));
        cases.add(new Case(
                "key id with NUL",
                f -> Request.json("/seal", "{\"text\":\"a\",\"key_id\":\"k" + nul + "\"}"),
                400,
                "invalid_id"));
        cases.add(new Case(
                "key id of 4 KB",
                f -> Request.json("/seal", "{\"text\":\"a\",\"key_id\":\"" + longId + "\"}"),
                400,
                "invalid_id"));
        cases.add(new Case(
                "client key id with /",
                f -> Request.json("/seal", "{\"text\":\"a\",\"provider_settings\":{\"client_key_id\":\"a/b\"}}"),
                400,
                "invalid_id"));
        cases.add(new Case(
                "instance id of 4 KB",
                f -> Request.json(
                        "/seal", "{\"text\":\"a\",\"provider_settings\":{\"kms_instance_id\":\"" + longId + "\"}}"),
                400,
                "invalid_id"));
        cases.add(new Case(
                "provider setting unknown",
                f -> Request.json("/seal", "{\"text\":\"a\",\"provider_settings\":{\"region\":\"x\"}}"),
                400,
                "invalid_request"));
        // Duplicate members: never last-wins (a reader and a checker could see different values)
        cases.add(new Case(
                "duplicate member",
                f -> Request.json("/seal", "{\"text\":\"first\",\"text\":\"second\"}"),
                400,
                "invalid_request"));
        cases.add(new Case(
                "member repeated in another case",
                f -> Request.json("/seal", "{\"text\":\"first\",\"TEXT\":\"second\"}"),
                400,
                "invalid_request"));
        cases.add(new Case(
                "duplicate sealed member",
                f -> Request.json("/unseal", "{\"sealed\":\"x\",\"sealed\":\"" + f.sealed() + "\"}"),
                400,
                "invalid_request"));
        cases.add(new Case(
                "duplicate batch key",
                f -> Request.json("/seal", "{\"secrets\":{\"K\":{\"text\":\"a\"},\"K\":{\"text\":\"b\"}}}"),
                400,
                "invalid_request"));
        cases.add(new Case(
                "duplicate label",
                f -> Request.json(
                        "/seal",
                        "{\"secrets\":{\"K\":{\"text\":\"a\"}},\"output\":\"kubernetes-secret\",\"metadata\":{"
                                + "\"name\":\"n\",\"namespace\":\"ns\",\"labels\":{\"a\":\"x\",\"a\":\"y\"}}}"),
                400,
                "invalid_request"));
        cases.add(new Case(
                "duplicate member in a binary CloudEvent",
                f -> new Request(
                        "/",
                        "application/json",
                        Map.of("ce-id", "1", "ce-source", "/t", "ce-specversion", "1.0", "ce-type", "dev.sealer.seal"),
                        "{\"text\":\"first\",\"text\":\"second\"}".getBytes(StandardCharsets.UTF_8)),
                400,
                "invalid_request"));
        cases.add(new Case(
                "duplicate attribute in a structured CloudEvent",
                f -> new Request(
                        "/",
                        "application/cloudevents+json",
                        Map.of(),
                        ("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/t\",\"type\":\"dev.sealer.seal\","
                                        + "\"type\":\"dev.sealer.reseal\",\"data\":{\"text\":\"a\"}}")
                                .getBytes(StandardCharsets.UTF_8)),
                400,
                "invalid_request"));
        cases.add(new Case(
                "duplicate member in an FC event",
                f -> new Request(
                        "/invoke",
                        "application/octet-stream",
                        Map.of("x-fc-function-handler", "seal", "x-fc-request-id", "r"),
                        "{\"text\":\"first\",\"text\":\"second\"}".getBytes(StandardCharsets.UTF_8)),
                400,
                "invalid_request"));
        // Batches and reseal
        cases.add(new Case(
                "batch secrets not an object",
                f -> Request.json("/seal", "{\"secrets\":[1,2]}"),
                400,
                "invalid_request"));
        cases.add(new Case(
                "batch item with unknown field",
                f -> Request.json("/seal", "{\"secrets\":{\"K\":{\"text\":\"" + SECRET + "\",\"x\":1}}}"),
                400,
                "invalid_request"));
        cases.add(new Case(
                "batch item text of wrong type",
                f -> Request.json("/seal", "{\"secrets\":{\"K\":{\"text\":5}}}"),
                400,
                "invalid_request"));
        cases.add(new Case(
                "batch key with /",
                f -> Request.json("/seal", "{\"secrets\":{\"a/b\":{\"text\":\"" + SECRET + "\"}}}"),
                400,
                "invalid_request"));
        cases.add(new Case(
                "batch output unknown",
                f -> Request.json("/seal", "{\"secrets\":{\"K\":{\"text\":\"" + SECRET + "\"}},\"output\":\"helm\"}"),
                400,
                "invalid_request"));
        cases.add(new Case(
                "reseal not sealed",
                f -> Request.json("/reseal", "{\"sealed\":\"nope\"}"),
                400,
                "malformed_sealed_secret"));
        cases.add(new Case(
                "reseal unknown field",
                f -> Request.json("/reseal", "{\"sealed\":\"" + f.sealed() + "\",\"text\":\"x\"}"),
                400,
                "invalid_request"));
        cases.add(new Case(
                "reseal key id with ../",
                f -> Request.json("/reseal", "{\"sealed\":\"" + f.sealed() + "\",\"key_id\":\"../k\"}"),
                400,
                "invalid_id"));
        cases.add(new Case(
                "reseal tampered",
                f -> Request.json("/reseal", "{\"sealed\":\"" + f.replacePart(3, b64url(new byte[64])) + "\"}"),
                400,
                "signature_invalid"));
        // The sealed-secret envelope
        cases.add(new Case("3 parts", f -> Request.unseal("sealed.a.b"), 400, "malformed_sealed_secret"));
        cases.add(new Case("5 parts", f -> Request.unseal(f.sealed() + ".e"), 400, "malformed_sealed_secret"));
        cases.add(new Case("empty part", f -> Request.unseal(f.replacePart(2, "")), 400, "malformed_sealed_secret"));
        cases.add(new Case("no prefix", f -> Request.unseal(f.sealed().substring(7)), 400, "malformed_sealed_secret"));
        cases.add(new Case(
                "padded header",
                f -> Request.unseal(f.replacePart(1, f.parts()[1] + "=")),
                400,
                "malformed_sealed_secret"));
        cases.add(new Case(
                "std alphabet in signature",
                f -> Request.unseal(
                        f.replacePart(3, f.parts()[3].replace('-', '+').replace('_', '/') + "+/")),
                400,
                "malformed_sealed_secret"));
        cases.add(new Case(
                "header not JSON",
                f -> Request.unseal(f.replacePart(1, b64url("alg ES256"))),
                400,
                "malformed_sealed_secret"));
        cases.add(new Case(
                "alg none",
                f -> Request.unseal(f.replacePart(1, b64url("{\"alg\":\"none\",\"kid\":\"x\"}"))),
                400,
                "signature_invalid"));
        cases.add(new Case(
                "kid with ../",
                f -> Request.unseal(f.replacePart(1, b64url("{\"alg\":\"ES256\",\"kid\":\"../../etc/passwd\"}"))),
                400,
                "unknown_kid"));
        cases.add(new Case(
                "kid an absolute path",
                f -> Request.unseal(f.replacePart(1, b64url("{\"alg\":\"ES256\",\"kid\":\"/etc/passwd\"}"))),
                400,
                "invalid_id"));
        cases.add(new Case(
                "kid a URI with ..",
                f -> Request.unseal(
                        f.replacePart(1, b64url("{\"alg\":\"ES256\",\"kid\":\"kbs:///default/../../etc\"}"))),
                400,
                "invalid_id"));
        cases.add(new Case(
                "kid a URI of another scheme",
                f -> Request.unseal(f.replacePart(1, b64url("{\"alg\":\"ES256\",\"kid\":\"kbs+:///a/b/c\"}"))),
                400,
                "invalid_id"));
        cases.add(new Case(
                "header with duplicate kid",
                f -> Request.unseal(f.replacePart(1, b64url("{\"alg\":\"ES256\",\"kid\":\"a\",\"kid\":\"b\"}"))),
                400,
                "malformed_sealed_secret"));
        cases.add(new Case(
                "header with unknown crit",
                f -> Request.unseal(
                        f.replacePart(1, b64url("{\"alg\":\"ES256\",\"kid\":\"a\",\"crit\":[\"exp\"],\"exp\":1}"))),
                400,
                "malformed_sealed_secret"));
        cases.add(new Case(
                "kid with NUL",
                f -> Request.unseal(f.replacePart(1, b64url("{\"alg\":\"ES256\",\"kid\":\"a\\u0000b\"}"))),
                400,
                "invalid_id"));
        cases.add(new Case(
                "kid of 4 KB",
                f -> Request.unseal(f.replacePart(1, b64url("{\"alg\":\"ES256\",\"kid\":\"" + longId + "\"}"))),
                400,
                "invalid_id"));
        cases.add(new Case(
                "signature all zero",
                f -> Request.unseal(f.replacePart(3, b64url(new byte[64]))),
                400,
                "signature_invalid"));
        cases.add(new Case(
                "signature 65 bytes",
                f -> Request.unseal(f.replacePart(3, b64url(new byte[65]))),
                400,
                "signature_invalid"));
        cases.add(new Case(
                "payload not JSON",
                f -> Request.unseal(f.signer().sign("not json".getBytes(StandardCharsets.UTF_8))),
                400,
                "malformed_sealed_secret"));
        cases.add(new Case(
                "payload deeply nested",
                f -> Request.unseal(
                        f.signer().sign(("{\"version\":" + "[".repeat(50_000)).getBytes(StandardCharsets.UTF_8))),
                400,
                "malformed_sealed_secret"));
        // Payload fields
        for (String field : List.of(
                "version", "type", "provider", "key_id", "encrypted_key", "encrypted_data", "wrap_type", "iv")) {
            cases.add(new Case(
                    "missing " + field, f -> Request.unseal(f.with(field, null)), 400, "malformed_sealed_secret"));
            cases.add(new Case(
                    field + " of wrong type",
                    f -> Request.unseal(f.with(field, List.of(1))),
                    400,
                    "malformed_sealed_secret"));
        }
        cases.add(new Case(
                "provider not implemented here",
                f -> Request.unseal(f.with("provider", "aws")),
                400,
                "unsupported_provider"));
        cases.add(
                new Case("version 0.1.1", f -> Request.unseal(f.with("version", "0.1.1")), 400, "unsupported_version"));
        cases.add(new Case("version empty", f -> Request.unseal(f.with("version", "")), 400, "unsupported_version"));
        cases.add(new Case(
                "encrypted_key url alphabet",
                f -> Request.unseal(f.with("encrypted_key", "_-_-")),
                400,
                "invalid_base64"));
        cases.add(new Case(
                "encrypted_data unpadded",
                f -> Request.unseal(f.with("encrypted_data", "YWI")),
                400,
                "invalid_base64"));
        cases.add(new Case("iv unpadded", f -> Request.unseal(f.with("iv", "YWI")), 400, "invalid_base64"));
        cases.add(new Case(
                "iv of 16 bytes for GCM",
                f -> Request.unseal(f.with("iv", b64(new byte[16]))),
                400,
                "malformed_sealed_secret"));
        cases.add(new Case(
                "encrypted_key empty",
                f -> Request.unseal(f.with("encrypted_key", "")),
                400,
                "malformed_sealed_secret"));
        cases.add(new Case(
                "encrypted_key of wrong length",
                f -> Request.unseal(f.with("encrypted_key", b64(new byte[20]))),
                400,
                "kms_invalid_parameter"));
        cases.add(new Case(
                "key the KMS does not know",
                f -> Request.unseal(f.with("key_id", "key-does-not-exist-42")),
                400,
                "kms_key_not_found"));
        cases.add(new Case(
                "seal with a key the KMS does not know",
                f -> Request.json("/seal", "{\"text\":\"a\",\"key_id\":\"key-does-not-exist-42\"}"),
                400,
                "kms_key_not_found"));
        cases.add(new Case(
                "seal a vault name that cannot be opened",
                f -> Request.json("/seal", "{\"type\":\"vault\",\"name\":\"no spaces allowed\"}"),
                400,
                "invalid_id"));
        cases.add(new Case(
                "GCM tag cut short",
                f -> Request.unseal(f.with("encrypted_data", b64(new byte[10]))),
                400,
                "malformed_sealed_secret"));
        cases.add(new Case(
                "GCM tag altered",
                f -> Request.unseal(
                        f.with("encrypted_data", flipLast((String) f.payload().get("encrypted_data")))),
                400,
                "decryption_failed"));
        cases.add(new Case(
                "annotations.iv missing",
                f -> Request.unseal(f.with("annotations", Map.of())),
                400,
                "malformed_sealed_secret"));
        cases.add(new Case(
                "annotations.iv not a string",
                f -> Request.unseal(f.with("annotations", Map.of("iv", 1))),
                400,
                "malformed_sealed_secret"));
        cases.add(new Case(
                "settings client key not a string",
                f -> Request.unseal(f.withSetting("client_key_id", 7)),
                400,
                "invalid_id"));
        cases.add(new Case(
                "settings client key with ../",
                f -> Request.unseal(f.withSetting("client_key_id", "../../x")),
                400,
                "invalid_id"));
        cases.add(new Case(
                "settings instance with NUL",
                f -> Request.unseal(f.withSetting("kms_instance_id", "kst\u0000")),
                400,
                "invalid_id"));
        cases.add(new Case(
                "settings client type",
                f -> Request.unseal(f.withSetting("client_type", "sts_token")),
                400,
                "unsupported_client_type"));
        cases.add(new Case("payload key id with /", f -> Request.unseal(f.with("key_id", "a/b")), 400, "invalid_id"));
        // Vault secrets with RAM credentials (ecs_ram_role, sts_token): settings from a signed payload are still
        // checked
        cases.add(new Case(
                "envelope with ecs_ram_role",
                f -> Request.unseal(f.withSetting("client_type", "ecs_ram_role")),
                400,
                "unsupported_client_type"));
        cases.add(new Case(
                "vault client type in upper case",
                f -> Request.unseal(f.vault(Map.of("client_type", "ECS_RAM_ROLE"))),
                400,
                "unsupported_client_type"));
        cases.add(new Case(
                "vault client type not a string",
                f -> Request.unseal(f.vault(Map.of("client_type", List.of("sts_token")))),
                400,
                "unsupported_client_type"));
        cases.add(new Case(
                "sts_token path outside the token folder",
                f -> Request.unseal(f.vault(
                        Map.of("client_type", "sts_token", "token_path", "/etc/passwd", "region_id", "cn-hangzhou"))),
                400,
                "invalid_id"));
        cases.add(new Case(
                "sts_token path climbing out with ..",
                f -> Request.unseal(f.vault(Map.of(
                        "client_type",
                        "sts_token",
                        "token_path",
                        "tokens/../../../../etc/shadow",
                        "region_id",
                        "cn-hangzhou"))),
                400,
                "invalid_id"));
        cases.add(new Case(
                "sts_token path with NUL",
                f -> Request.unseal(f.vault(
                        Map.of("client_type", "sts_token", "token_path", "token\u0000", "region_id", "cn-hangzhou"))),
                400,
                "invalid_id"));
        cases.add(new Case(
                "sts_token path not a string",
                f -> Request.unseal(
                        f.vault(Map.of("client_type", "sts_token", "token_path", 42, "region_id", "cn-hangzhou"))),
                400,
                "invalid_id"));
        cases.add(new Case(
                "sts_token without token_path",
                f -> Request.unseal(f.vault(Map.of("client_type", "sts_token", "region_id", "cn-hangzhou"))),
                400,
                "invalid_id"));
        cases.add(new Case(
                "sts_token region building another host",
                f -> Request.unseal(f.vault(Map.of(
                        "client_type", "sts_token", "token_path", "t", "region_id", "cn-hangzhou.attacker.example/x"))),
                400,
                "invalid_id"));
        cases.add(new Case(
                "sts_token region of 4 KB",
                f -> Request.unseal(
                        f.vault(Map.of("client_type", "sts_token", "token_path", "t", "region_id", "cn-" + longId))),
                400,
                "invalid_id"));
        cases.add(new Case(
                "seal envelope with sts_token",
                f -> Request.json(
                        "/seal",
                        "{\"text\":\"a\",\"provider_settings\":"
                                + "{\"client_type\":\"sts_token\",\"token_path\":\"/t\",\"region_id\":\"cn-hangzhou\"}}"),
                400,
                "unsupported_client_type"));
        cases.add(new Case(
                "seal vault with a bad region",
                f -> Request.json(
                        "/seal",
                        "{\"type\":\"vault\",\"name\":\"db\","
                                + "\"provider_settings\":{\"client_type\":\"sts_token\",\"token_path\":\"/t\",\"region_id\":\"Evil\"}}"),
                400,
                "invalid_id"));
        cases.add(new Case(
                "seal vault ecs_ram_role with another member",
                f -> Request.json(
                        "/seal",
                        "{\"type\":\"vault\","
                                + "\"name\":\"db\",\"provider_settings\":{\"client_type\":\"ecs_ram_role\",\"region_id\":\"cn-hangzhou\"}}"),
                400,
                "invalid_request"));
        cases.add(new Case(
                "seal vault with an unknown client type",
                f -> Request.json(
                        "/seal",
                        "{\"type\":\"vault\","
                                + "\"name\":\"db\",\"provider_settings\":{\"client_type\":\"oidc_role\"}}"),
                400,
                "unsupported_client_type"));
        // Other entry points
        cases.add(new Case(
                "CloudEvent without type",
                f -> new Request(
                        "/",
                        "application/json",
                        Map.of("ce-id", "1", "ce-source", "/t", "ce-specversion", "1.0"),
                        "{}".getBytes(StandardCharsets.UTF_8)),
                400,
                "invalid_request"));
        cases.add(new Case(
                "CloudEvent of unknown type",
                f -> new Request(
                        "/",
                        "application/json",
                        Map.of("ce-id", "1", "ce-source", "/t", "ce-specversion", "1.0", "ce-type", "x.y"),
                        "{}".getBytes(StandardCharsets.UTF_8)),
                404,
                "not_found"));
        cases.add(new Case(
                "structured CloudEvent without source",
                f -> new Request(
                        "/",
                        "application/cloudevents+json",
                        Map.of(),
                        "{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"dev.sealer.seal\",\"data\":{}}"
                                .getBytes(StandardCharsets.UTF_8)),
                400,
                "invalid_request"));
        cases.add(new Case(
                "FC unknown handler",
                f -> new Request(
                        "/invoke",
                        "application/octet-stream",
                        Map.of("x-fc-function-handler", "../seal", "x-fc-request-id", "r"),
                        "{}".getBytes(StandardCharsets.UTF_8)),
                404,
                "not_found"));
        cases.add(new Case(
                "FC event not JSON",
                f -> new Request(
                        "/invoke",
                        "application/octet-stream",
                        Map.of("x-fc-function-handler", "unseal", "x-fc-request-id", "r"),
                        "\u0000\u0001".getBytes(StandardCharsets.UTF_8)),
                400,
                "invalid_request"));
        cases.add(new Case(
                "text/plain body",
                f -> new Request("/seal", "text/plain", Map.of(), "x".getBytes(StandardCharsets.UTF_8)),
                415,
                "unsupported_media_type"));
        cases.add(new Case(
                "structured CloudEvent without data",
                f -> new Request(
                        "/",
                        "application/cloudevents+json",
                        Map.of(),
                        "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/t\",\"type\":\"dev.sealer.seal\"}"
                                .getBytes(StandardCharsets.UTF_8)),
                400,
                "invalid_request"));
        cases.add(new Case(
                "structured CloudEvent with data_base64",
                f -> new Request(
                        "/",
                        "application/cloudevents+json",
                        Map.of(),
                        ("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/t\",\"type\":\"dev.sealer.seal\","
                                        + "\"data_base64\":\"e30=\"}")
                                .getBytes(StandardCharsets.UTF_8)),
                415,
                "unsupported_media_type"));
        return cases.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badInput_getsItsDocumentedError_andTheServiceStaysUp(Case badCase) throws Exception {
        Request request = badCase.request().apply(fixture);
        int status;
        String body;
        if (request.body().length > 3 * 1024 * 1024) {
            // refused on its declared length: the service closes the connection without reading the body
            RawHttp.Answer answer =
                    RawHttp.declaredOnly(root, request.path(), request.contentType(), request.body().length);
            status = answer.status();
            body = answer.body();
        } else {
            var spec = given().contentType(request.contentType()).body(request.body());
            for (Map.Entry<String, String> header : request.headers().entrySet()) {
                spec = spec.header(header.getKey(), header.getValue());
            }
            Response response = spec.when().post(request.path());
            status = response.statusCode();
            body = response.asString();
        }
        JsonNode json = new ObjectMapper().readTree(body);
        assertThat(status).as("%s: %s", badCase.name(), body).isEqualTo(badCase.status());
        assertThat(json.path("error").asText()).as(badCase.name()).isEqualTo(badCase.error());
        assertThat(json.path("message").asText()).isNotBlank();
        assertThat(body)
                .doesNotContain(SECRET)
                .doesNotContain("Exception")
                .doesNotContain("at dev.sealer")
                .doesNotContain("at java.")
                .doesNotContain("BEGIN");
        assertThat(body.length()).isLessThan(2048);

        // ... and the service still answers correctly.
        given().contentType("application/json")
                .body(Map.of("sealed", fixture.sealed()))
                .when()
                .post("/unseal")
                .then()
                .statusCode(200);
    }

    @org.junit.jupiter.api.Test
    void duplicateMember_isNamedInTheMessage_andNothingIsSealed() {
        given().contentType("application/json")
                .body("{\"text\":\"first\",\"text\":\"second\"}")
                .when()
                .post("/seal")
                .then()
                .statusCode(400)
                .body("error", org.hamcrest.Matchers.equalTo("invalid_request"))
                .body("message", org.hamcrest.Matchers.containsString("duplicate field 'text'"))
                .body(org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString("sealed.")));
    }

    private static String b64url(String text) {
        return b64url(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String b64url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static String flipLast(String base64) {
        byte[] bytes = Base64.getDecoder().decode(base64);
        bytes[bytes.length - 1] ^= 1;
        return b64(bytes);
    }
}
