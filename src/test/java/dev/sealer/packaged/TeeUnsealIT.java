package dev.sealer.packaged;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDHDecrypter;
import com.nimbusds.jose.crypto.ECDHEncrypter;
import com.nimbusds.jose.crypto.RSAEncrypter;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.sealer.emulator.EmulatorFaults;
import dev.sealer.emulator.EmulatorServer;
import dev.sealer.testsupport.GuestResourceServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged application in {@code tee}, started as the image's tee entry point starts it ({@link TeeApp}),
 * with the guest's resource API played by {@link GuestResourceServer} (the recipient's public key, the seal
 * input key and the signing key's public half are KBS resources there) and a KMS instance outside it (an
 * {@link EmulatorServer} over HTTPS). What it shows: an unseal answer on the service port holds no plaintext,
 * only a JWE that the recipient's private key (an independent JOSE library) opens to the secret; the loopback
 * listener answers the secret in clear to a caller with the token; seal takes only input encrypted to the
 * guest's key; reseal keeps the secret's own client key and instance.
 */
class TeeUnsealIT {

    private static final String INSTANCE = "kst-teeunseal0000000001";
    private static final String CLIENT_KEY = "KAAP.tee-unseal-0001";
    private static final String KEY = "key-tee-unseal-0001";
    private static final String TOKEN = "tee-unseal-token-7d2b90";
    private static final String SECRET = "db-password-only-the-guest-and-the-recipient-see-93a1";
    private static final String RECIPIENT = "default/sealer/tee-it-unseal-recipient";
    private static final String SEAL_INPUT = "default/sealer/tee-it-seal-input";
    private static final String SIGNING = "default/sealed-secret/tee-it-signing-key";
    private static final String LOOPBACK_TOKEN_RESOURCE = "default/sealer/tee-it-loopback-token";
    private static final String LOOPBACK_TOKEN = "tee-loopback-token-only-in-kbs-5e0f";
    private static final Path STATE = Path.of("target/tee-unseal-state").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static EmulatorServer kms;
    private static GuestResourceServer resources;
    private static TeeApp app;
    private static ECKey recipient;
    private static ECKey sealInput;
    private static int port;
    private static int loopback;

    @BeforeAll
    static void start() throws Exception {
        Path kmsFolder = STATE.resolve("kms");
        kms = new EmulatorServer(
                        EmulatorServer.Settings.forTests(kmsFolder, INSTANCE, CLIENT_KEY, List.of(KEY), Map.of()),
                        new EmulatorFaults())
                .start();
        recipient = new ECKeyGenerator(Curve.P_256).keyID("tee-it-recipient").generate();
        sealInput = new ECKeyGenerator(Curve.P_256).generate();
        ECKey signing = new ECKeyGenerator(Curve.P_256).generate();
        publish(RECIPIENT, recipient.toPublicJWK().toJSONString());
        publish(SEAL_INPUT, sealInput.toJSONString());
        publish(SIGNING, signing.toPublicJWK().toJSONString());
        publish(LOOPBACK_TOKEN_RESOURCE, LOOPBACK_TOKEN + "\n");
        Path signingFile = STATE.resolve("signing.jwk");
        Files.writeString(signingFile, signing.toJSONString());
        resources = new GuestResourceServer();
        String resourceApi = resources.start().get("sealed-secret.verification.kbs-resource-url");

        List<String> arguments = new ArrayList<>(TeeApp.pins(resourceApi));
        arguments.add("-Dsealer.tee.seal.enabled=true");
        arguments.add("-Dsealer.tee.loopback-port=0");
        Map<String, String> env = new java.util.HashMap<>();
        env.put("QUARKUS_PROFILE", "tee");
        env.put("SEALER_API_TOKEN", TOKEN);
        env.put("SEALER_TEE_UNSEAL_RECIPIENT", "kbs:///" + RECIPIENT);
        env.put("SEALER_TEE_SEAL_INPUT_KEY", "kbs:///" + SEAL_INPUT);
        env.put("ALIYUN_KMS_CREDENTIAL_DIR", kmsFolder.toString());
        env.put("ALIYUN_KMS_ENDPOINT", kms.endpoint().toString());
        env.put("ALIYUN_KMS_INSTANCE_ID", INSTANCE);
        env.put("ALIYUN_KMS_CLIENT_KEY_ID", CLIENT_KEY);
        env.put("ALIYUN_KMS_KEY_ID", KEY);
        env.put("SEALED_SECRET_SIGNING_JWK_FILE", signingFile.toString());
        env.put("SEALED_SECRET_SIGNING_KID", "kbs:///" + SIGNING);
        env.put("SEALER_TEE_LOOPBACK_TOKEN", "kbs:///" + LOOPBACK_TOKEN_RESOURCE);
        app = TeeApp.launch(STATE.resolve("app"), arguments, env);
        assertThat(app.awaitStartOrExit()).as("started").isNull();
        port = app.httpPort();
        loopback = app.loopbackPort();
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            String output = app.output();
            app.close();
            assertThat(output)
                    .as("the application's log")
                    .doesNotContain(SECRET, TOKEN, LOOPBACK_TOKEN, base64(SECRET));
        }
        if (resources != null) {
            resources.stop();
        }
        if (kms != null) {
            kms.close();
        }
    }

    private static void publish(String path, String content) throws Exception {
        Path file = GuestResourceServer.FOLDER.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private record Answer(int status, String body) {
        JsonNode json() throws Exception {
            return JSON.readTree(body);
        }
    }

    private static Answer post(int to, String path, String body, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + to + path))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body());
    }

    /** The seal request encrypted to the public half of the guest's seal input key, as a user does it. */
    private static String sealedInTee(String sealRequest) throws Exception {
        JWEObject jwe = new JWEObject(
                new JWEHeader(JWEAlgorithm.ECDH_ES_A256KW, EncryptionMethod.A256GCM), new Payload(sealRequest));
        jwe.encrypt(new ECDHEncrypter(sealInput.toECPublicKey()));
        Answer answer = post(port, "/seal", JSON.writeValueAsString(Map.of("jwe", jwe.serialize())), TOKEN);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json().path("sealed").asText();
    }

    private static String openAsRecipient(String jwe) throws Exception {
        JWEObject parsed = JWEObject.parse(jwe);
        assertThat(parsed.getHeader().getAlgorithm()).isEqualTo(JWEAlgorithm.ECDH_ES_A256KW);
        assertThat(parsed.getHeader().getEncryptionMethod()).isEqualTo(EncryptionMethod.A256GCM);
        assertThat(parsed.getHeader().getKeyID()).isEqualTo("tee-it-recipient");
        parsed.decrypt(new ECDHDecrypter(recipient));
        return parsed.getPayload().toString();
    }

    @Test
    void unsealAnswer_onTheServicePort_holdsNoPlaintext_onlyAJweTheRecipientOpens() throws Exception {
        String sealed = sealedInTee("{\"text\":\"" + SECRET + "\"}");

        Answer answer = post(port, "/unseal", JSON.writeValueAsString(Map.of("sealed", sealed)), TOKEN);

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.body()).doesNotContain(SECRET, base64(SECRET), "plaintext", "\"text\"");
        JsonNode json = answer.json();
        assertThat(json.size()).isEqualTo(1);
        assertThat(openAsRecipient(json.path("jwe").asText())).isEqualTo(SECRET);
    }

    @Test
    void loopbackListener_answersInClear_onlyWithTheTokenFromKbs() throws Exception {
        String sealed = sealedInTee("{\"text\":\"" + SECRET + "\"}");
        String body = JSON.writeValueAsString(Map.of("sealed", sealed));

        Answer clear = post(loopback, "/unseal", body, LOOPBACK_TOKEN);
        assertThat(clear.status()).as(clear.body()).isEqualTo(200);
        assertThat(clear.json().path("text").asText()).isEqualTo(SECRET);

        // the service port's API token (a Kubernetes Secret the host could replace) does not open it
        for (String token : new String[] {null, TOKEN, "wrong"}) {
            Answer refused = post(loopback, "/unseal", body, token);
            assertThat(refused.status()).as(String.valueOf(token)).isEqualTo(401);
            assertThat(refused.body()).doesNotContain(SECRET);
        }
        assertThat(post(loopback, "/seal", "{}", LOOPBACK_TOKEN).status()).isEqualTo(404);
        // and the loopback token does not open the service port
        assertThat(post(port, "/unseal", body, LOOPBACK_TOKEN).status()).isEqualTo(401);
    }

    @Test
    void seal_takesOnlyInputEncryptedToTheGuest() throws Exception {
        Answer clear = post(port, "/seal", "{\"text\":\"" + SECRET + "\"}", TOKEN);
        assertThat(clear.status()).isEqualTo(400);
        assertThat(clear.json().path("error").asText()).isEqualTo("invalid_request");
        assertThat(clear.body()).contains("in tee, seal takes only 'jwe'").doesNotContain(SECRET);

        // to another key, with another algorithm, tampered: one and the same refusal
        ECKey stranger = new ECKeyGenerator(Curve.P_256).generate();
        JWEObject toStranger = new JWEObject(
                new JWEHeader(JWEAlgorithm.ECDH_ES_A256KW, EncryptionMethod.A256GCM), new Payload("{\"text\":\"x\"}"));
        toStranger.encrypt(new ECDHEncrypter(stranger.toECPublicKey()));
        JWEObject rsa = new JWEObject(
                new JWEHeader(JWEAlgorithm.RSA_OAEP_256, EncryptionMethod.A256GCM), new Payload("{\"text\":\"x\"}"));
        rsa.encrypt(new RSAEncrypter(new RSAKeyGenerator(2048).generate().toRSAPublicKey()));
        JWEObject good = new JWEObject(
                new JWEHeader(JWEAlgorithm.ECDH_ES_A256KW, EncryptionMethod.A256GCM), new Payload("{\"text\":\"x\"}"));
        good.encrypt(new ECDHEncrypter(sealInput.toECPublicKey()));
        String[] parts = good.serialize().split("\\.");
        char flipped = parts[3].charAt(0) == 'A' ? 'B' : 'A';
        String tampered = String.join(".", parts[0], parts[1], parts[2], flipped + parts[3].substring(1), parts[4]);
        for (String jwe : List.of(toStranger.serialize(), rsa.serialize(), tampered, "not-a-jwe")) {
            Answer refused = post(port, "/seal", JSON.writeValueAsString(Map.of("jwe", jwe)), TOKEN);
            assertThat(refused.status()).as(refused.body()).isEqualTo(400);
            assertThat(refused.json().path("error").asText()).isEqualTo("decryption_failed");
        }
    }

    @Test
    void reseal_keepsTheSecretsOwnClientKeyAndInstance_andItsAnswerIsPublic() throws Exception {
        String sealed = sealedInTee("{\"text\":\"" + SECRET + "\"}");

        Answer elsewhere = post(
                port,
                "/reseal",
                JSON.writeValueAsString(
                        Map.of("sealed", sealed, "provider_settings", Map.of("client_key_id", "KAAP.host-chosen"))),
                TOKEN);
        assertThat(elsewhere.status()).as(elsewhere.body()).isEqualTo(403);
        assertThat(elsewhere.json().path("error").asText()).isEqualTo("forbidden");

        Answer resealed = post(port, "/reseal", JSON.writeValueAsString(Map.of("sealed", sealed)), TOKEN);
        assertThat(resealed.status()).as(resealed.body()).isEqualTo(200);
        String fresh = resealed.json().path("sealed").asText();
        assertThat(fresh).startsWith("sealed.").isNotEqualTo(sealed);
        Answer unsealed = post(port, "/unseal", JSON.writeValueAsString(Map.of("sealed", fresh)), TOKEN);
        assertThat(openAsRecipient(unsealed.json().path("jwe").asText())).isEqualTo(SECRET);
    }

    @Test
    void jwks_isNotServedInTee() throws Exception {
        // the signing key there comes from a Secret the host can replace: publishing it could hand KBS the host's key
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/jwks"))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(response.body()).path("error").asText()).isEqualTo("not_found");
    }

    @Test
    void withoutTheToken_nothingIsServed() throws Exception {
        assertThat(post(port, "/unseal", "{\"sealed\":\"sealed.x.y.z\"}", null).status())
                .isEqualTo(401);
        assertThat(post(port, "/unseal", "{\"sealed\":\"sealed.x.y.z\"}", "wrong-token")
                        .status())
                .isEqualTo(401);
    }
}
