package dev.sealer.functions;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.sealer.emulator.KmsEmulator;
import dev.sealer.testsupport.SealerHttp;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.util.Arrays;
import java.util.Base64;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sealed secrets built byte for byte as the CDH's {@code secret} CLI (guest-components, 2026-08) writes
 * them, without any production class: the header {@code {"b64":true,"alg":"ES256","kid":...}} in that
 * member order, the compact payload in the CLI's member order, an RFC 6979 signature that is not
 * normalized (so high S occurs), a KBS-URI kid; and each payload variant the CDH reads tolerantly
 * (docs/FORMAT.md, "What this project reads"): provider in another case, unknown members, non-string
 * values it does not read, ARN key ids, file kids with sub-folders. All open here.
 */
@QuarkusTest
class CdhSecretCliFormatTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final BigInteger P256_ORDER =
            new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);

    @Inject
    KmsEmulator emulator;

    @ConfigProperty(name = "sealed-secret.signing.jwk-file")
    Path signingJwk;

    @ConfigProperty(name = "sealed-secret.signing.kid")
    String uriKid;

    @ConfigProperty(name = "sealed-secret.verification.key-dir")
    Path keyFolder;

    private ECKey signingKey;

    @BeforeEach
    void readTheSigningKey() throws Exception {
        signingKey = ECKey.parse(Files.readString(signingJwk, StandardCharsets.UTF_8));
    }

    /** What the CLI writes: header bytes verbatim, payload as given, JDK ECDSA (r||s), optionally the high-S form. */
    private static String cliSealed(String kid, ObjectNode payload, ECKey key, boolean highS) throws Exception {
        byte[] header = ("{\"b64\":true,\"alg\":\"ES256\",\"kid\":\"" + kid + "\"}").getBytes(StandardCharsets.UTF_8);
        Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
        String signingInput = url.encodeToString(header) + "." + url.encodeToString(JSON.writeValueAsBytes(payload));
        Signature ecdsa = Signature.getInstance("SHA256withECDSAinP1363Format");
        ecdsa.initSign((ECPrivateKey) key.toECPrivateKey());
        ecdsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        byte[] signature = ecdsa.sign();
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, 32, 64));
        if ((s.compareTo(P256_ORDER.shiftRight(1)) > 0) != highS) {
            byte[] other = P256_ORDER.subtract(s).toByteArray();
            Arrays.fill(signature, 32, 64, (byte) 0);
            System.arraycopy(
                    other,
                    Math.max(0, other.length - 32),
                    signature,
                    64 - Math.min(32, other.length),
                    Math.min(32, other.length));
        }
        return "sealed." + signingInput + "." + url.encodeToString(signature);
    }

    /** The CLI's vault payload for an Aliyun secret: version, type, name, provider, provider_settings, annotations. */
    private ObjectNode vault(String name) {
        ObjectNode payload = JSON.createObjectNode()
                .put("version", "0.1.0")
                .put("type", "vault")
                .put("name", name)
                .put("provider", "aliyun");
        payload.putObject("provider_settings")
                .put("client_key_id", emulator.clientKeyId())
                .put("kms_instance_id", emulator.instanceId())
                .put("client_type", "client_key");
        payload.putObject("annotations");
        return payload;
    }

    private static io.restassured.response.ValidatableResponse unseal(String sealed) {
        return SealerHttp.unseal(sealed).then();
    }

    @Test
    void cliVault_withKbsUriKid_opens_inBothSignatureForms() throws Exception {
        unseal(cliSealed(uriKid, vault("db-password"), signingKey, false))
                .statusCode(200)
                .body("text", equalTo("vault-secret-value"));
        unseal(cliSealed(uriKid, vault("db-password"), signingKey, true))
                .statusCode(200)
                .body("text", equalTo("vault-secret-value"));
    }

    @Test
    void cliPayload_withProviderInAnotherCase_opens() throws Exception {
        unseal(cliSealed(uriKid, vault("db-password").put("provider", "Aliyun"), signingKey, false))
                .statusCode(200);
    }

    @Test
    void cliPayload_withUnknownMembersAndNonStringValuesItDoesNotRead_opens() throws Exception {
        ObjectNode payload = vault("db-password").put("created_by", "a newer CDH tool");
        payload.putObject("extension").put("anything", 1);
        ((ObjectNode) payload.get("provider_settings"))
                .put("region_hint", 7)
                .putArray("zones")
                .add("a");
        ((ObjectNode) payload.get("annotations"))
                .put("version_stage", "ACSCurrent")
                .put("reviewed", true);

        unseal(cliSealed(uriKid, payload, signingKey, false))
                .statusCode(200)
                .body("text", equalTo("vault-secret-value"));
    }

    @Test
    void cliPayload_withANonStringValueItDoesRead_isRefused() throws Exception {
        ObjectNode payload = vault("db-password");
        ((ObjectNode) payload.get("provider_settings")).put("client_key_id", 42);

        unseal(cliSealed(uriKid, payload, signingKey, false)).statusCode(400).body("error", equalTo("invalid_id"));
    }

    @Test
    void cliVault_withSecretArn_opens() throws Exception {
        unseal(cliSealed(uriKid, vault("acs:kms:cn-hangzhou:1234567890123456:secret/db-password"), signingKey, false))
                .statusCode(200)
                .body("text", equalTo("vault-secret-value"));
    }

    @Test
    void fileKid_inASubFolder_opens_likeTheCdh() throws Exception {
        ECKey teamKey = new ECKeyGenerator(Curve.P_256).generate();
        Path file = keyFolder.resolve("team/key-1");
        Files.createDirectories(file.getParent());
        Files.writeString(file, teamKey.toPublicJWK().toJSONString());

        unseal(cliSealed("team/key-1", vault("db-password"), teamKey, true)).statusCode(200);
        unseal(cliSealed("team/../team/key-1", vault("db-password"), teamKey, false))
                .statusCode(200);
    }

    @Test
    void providersThisServiceDoesNotImplement_areNamed() throws Exception {
        for (String provider : new String[] {"kbs", "aws", "ehsm"}) {
            ObjectNode payload = vault("kbs:///default/sealed-secret/test").put("provider", provider);
            unseal(cliSealed(uriKid, payload, signingKey, false))
                    .statusCode(400)
                    .body("error", equalTo("unsupported_provider"))
                    .body("message", containsString("'" + provider + "'"));
        }
    }
}
