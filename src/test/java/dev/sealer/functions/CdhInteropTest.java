package dev.sealer.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.aliyun.dkms.gcs.sdk.Client;
import com.aliyun.dkms.gcs.sdk.models.DecryptRequest;
import com.aliyun.dkms.gcs.sdk.models.EncryptRequest;
import com.aliyun.dkms.gcs.sdk.models.EncryptResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import dev.sealer.emulator.KmsEmulator;
import dev.sealer.testsupport.OfficialSdk;
import dev.sealer.testsupport.SealerHttp;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sealed secrets checked in both directions against a path independent of the production code, as
 * the CDH would make and read them: the KMS through Alibaba's official SDK, AES from the JDK, the JWS
 * from Nimbus JOSE, the JSON by hand.
 */
@QuarkusTest
class CdhInteropTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    KmsEmulator emulator;

    @ConfigProperty(name = "sealed-secret.signing.jwk-file")
    Path signingJwk;

    @ConfigProperty(name = "sealed-secret.signing.kid")
    String kid;

    private Client sdk;
    private ECKey signingKey;

    @BeforeEach
    void setUp() throws Exception {
        sdk = OfficialSdk.client(
                emulator.endpoint(), emulator.credentialDir(), emulator.instanceId(), emulator.clientKeyId());
        signingKey = ECKey.parse(Files.readString(signingJwk, StandardCharsets.UTF_8));
    }

    /** A sealed secret as the CDH's tools write it, made without any production class. */
    private String independentSeal(byte[] secret, String wrapType) throws Exception {
        SecureRandom random = new SecureRandom();
        byte[] dataKey = new byte[32];
        random.nextBytes(dataKey);
        byte[] iv = new byte[wrapType.equals("A256GCM") ? 12 : 16];
        random.nextBytes(iv);
        Cipher cipher = Cipher.getInstance(wrapType.equals("A256GCM") ? "AES/GCM/NoPadding" : "AES/CTR/NoPadding");
        cipher.init(
                Cipher.ENCRYPT_MODE,
                new SecretKeySpec(dataKey, "AES"),
                wrapType.equals("A256GCM") ? new GCMParameterSpec(128, iv) : new IvParameterSpec(iv));
        byte[] encryptedData = cipher.doFinal(secret);
        EncryptResponse wrapped = sdk.encrypt(new EncryptRequest()
                .setKeyId(emulator.keyId())
                .setPlaintext(dataKey)
                .setAlgorithm("AES_GCM"));

        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("version", "0.1.0");
        payload.put("type", "envelope");
        payload.put("key_id", emulator.keyId());
        payload.put("encrypted_key", Base64.getEncoder().encodeToString(wrapped.getCiphertextBlob()));
        payload.put("encrypted_data", Base64.getEncoder().encodeToString(encryptedData));
        payload.put("wrap_type", wrapType);
        payload.put("iv", Base64.getEncoder().encodeToString(iv));
        payload.put("provider", "aliyun");
        payload.put(
                "provider_settings",
                Map.of("client_key_id", emulator.clientKeyId(), "kms_instance_id", emulator.instanceId()));
        payload.put("annotations", Map.of("iv", Base64.getEncoder().encodeToString(wrapped.getIv())));

        JWSObject jws = new JWSObject(
                new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(kid).build(),
                new Payload(JSON.writeValueAsBytes(payload)));
        jws.sign(new ECDSASigner(signingKey));
        return "sealed." + jws.serialize();
    }

    @Test
    void unseal_secretSealedIndependently_opens() throws Exception {
        String sealed = independentSeal("made by the CDH's way".getBytes(StandardCharsets.UTF_8), "A256GCM");
        SealerHttp.unseal(sealed).then().statusCode(200).body("text", equalTo("made by the CDH's way"));
    }

    @Test
    void unseal_a256ctrSecretSealedIndependently_opens() throws Exception {
        String sealed = independentSeal("older tools wrote CTR".getBytes(StandardCharsets.UTF_8), "A256CTR");
        SealerHttp.unseal(sealed).then().statusCode(200).body("text", equalTo("older tools wrote CTR"));
    }

    @Test
    void seal_outputOpensIndependently() throws Exception {
        String sealed = SealerHttp.sealText("opened by the other side");

        assertThat(sealed).startsWith("sealed.");
        String jwsText = sealed.substring("sealed.".length());
        assertThat(jwsText.split("\\.", -1))
                .hasSize(3)
                .allSatisfy(part -> assertThat(part).doesNotContain("="));
        JWSObject jws = JWSObject.parse(jwsText);
        assertThat(jws.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
        assertThat(jws.getHeader().getKeyID()).isEqualTo(kid);
        assertThat(jws.verify(new ECDSAVerifier(signingKey.toPublicJWK()))).isTrue();

        JsonNode payload = JSON.readTree(jws.getPayload().toBytes());
        assertThat(payload.get("version").asText()).isEqualTo("0.1.0");
        assertThat(payload.get("type").asText()).isEqualTo("envelope");
        assertThat(payload.get("provider").asText()).isEqualTo("aliyun");
        assertThat(payload.get("wrap_type").asText()).isEqualTo("A256GCM");
        assertThat(payload.get("key_id").asText()).isEqualTo(emulator.keyId());
        assertThat(payload.get("provider_settings").get("client_key_id").asText())
                .isEqualTo(emulator.clientKeyId());
        assertThat(payload.get("provider_settings").get("kms_instance_id").asText())
                .isEqualTo(emulator.instanceId());
        assertThat(payload.get("provider_settings").get("client_type").asText()).isEqualTo("client_key");

        byte[] dataKey = sdk.decrypt(new DecryptRequest()
                        .setKeyId(payload.get("key_id").asText())
                        .setCiphertextBlob(Base64.getDecoder()
                                .decode(payload.get("encrypted_key").asText()))
                        .setAlgorithm("AES_GCM")
                        .setIv(Base64.getDecoder()
                                .decode(payload.get("annotations").get("iv").asText())))
                .getPlaintext();
        assertThat(dataKey).hasSize(32);
        byte[] iv = Base64.getDecoder().decode(payload.get("iv").asText());
        assertThat(iv).hasSize(12);
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(dataKey, "AES"), new GCMParameterSpec(128, iv));
        byte[] secret = cipher.doFinal(
                Base64.getDecoder().decode(payload.get("encrypted_data").asText()));
        assertThat(new String(secret, StandardCharsets.UTF_8)).isEqualTo("opened by the other side");
    }

    @Test
    void unseal_jwsWithExtraHeaderMembers_opens() throws Exception {
        String sealed = independentSeal("x".getBytes(StandardCharsets.UTF_8), "A256GCM");
        // Re-sign the same payload with a header carrying a typ member: other members are ignored.
        JWSObject original = JWSObject.parse(sealed.substring("sealed.".length()));
        JWSObject withTyp = new JWSObject(
                new JWSHeader.Builder(JWSAlgorithm.ES256)
                        .keyID(kid)
                        .type(JOSEObjectType.JOSE)
                        .build(),
                original.getPayload());
        withTyp.sign(new ECDSASigner(signingKey));
        SealerHttp.unseal("sealed." + withTyp.serialize())
                .then()
                .statusCode(200)
                .body("text", equalTo("x"));
    }
}
