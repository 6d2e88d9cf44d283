package dev.sealer.functions;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.crypto.ECDHDecrypter;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.sealer.testsupport.SealerHttp;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * unseal over CloudEvents switched on ({@code sealer.events.unseal.enabled=true} with a recipient's
 * public key): the answer event carries the secret only as a JWE (ECDH-ES+A256KW, A256GCM) that the
 * recipient's private key opens (checked with an independent JOSE library, Nimbus); no plaintext, no
 * {@code text}, in binary and structured mode. Plain HTTP unseal still answers in clear.
 */
@QuarkusTest
@TestProfile(OptInFeaturesProfile.class)
class UnsealOverEventsTest {

    static final Path RECIPIENT = Path.of("target/test-state/events/recipient-private.jwk");

    /** The recipient's key pair, made once and kept in a file (the profile and the test may load in different class loaders). */
    static synchronized ECKey recipient() {
        try {
            if (!Files.exists(RECIPIENT)) {
                Files.createDirectories(RECIPIENT.getParent());
                Files.writeString(
                        RECIPIENT,
                        new ECKeyGenerator(Curve.P_256)
                                .keyID("answers-recipient-1")
                                .generate()
                                .toJSONString());
            }
            return ECKey.parse(Files.readString(RECIPIENT));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String seal(String text) {
        return SealerHttp.sealText(text);
    }

    private static JWEObject opened(String jwe) throws Exception {
        JWEObject object = JWEObject.parse(jwe);
        object.decrypt(new ECDHDecrypter(recipient()));
        return object;
    }

    @Test
    void binaryEvent_unseal_answersOnlyAJweToTheRecipient() throws Exception {
        String secret = "answer-over-the-broker-9e4";
        Response answer = SealerHttp.event(
                        given().contentType(ContentType.JSON), "dev.sealer.unseal", "unseal-evt-1", "/tests/events")
                .body(Map.of("sealed", seal(secret)))
                .when()
                .post("/");
        answer.then()
                .statusCode(200)
                .header("ce-type", "dev.sealer.unseal.result")
                .body("jwe", startsWith("ey"));
        assertThat(answer.asString())
                .doesNotContain(secret)
                .doesNotContain("\"text\"")
                .doesNotContain("\"plaintext\"");

        JWEObject jwe = opened(answer.path("jwe"));
        assertThat(new String(jwe.getPayload().toBytes(), StandardCharsets.UTF_8))
                .isEqualTo(secret);
        assertThat(jwe.getHeader().getAlgorithm().getName()).isEqualTo("ECDH-ES+A256KW");
        assertThat(jwe.getHeader().getEncryptionMethod().getName()).isEqualTo("A256GCM");
        assertThat(jwe.getHeader().getKeyID()).isEqualTo("answers-recipient-1");
        assertThat(jwe.getHeader().getCustomParam("event_id")).isEqualTo("unseal-evt-1");
    }

    @Test
    void structuredEvent_unseal_answersOnlyAJweToTheRecipient() throws Exception {
        String secret = "structured-answer-5b7";
        Response answer = given().contentType("application/cloudevents+json")
                .body(Map.of(
                        "specversion",
                        "1.0",
                        "id",
                        "unseal-evt-2",
                        "source",
                        "/tests/events",
                        "type",
                        "dev.sealer.unseal",
                        "datacontenttype",
                        "application/json",
                        "data",
                        Map.of("sealed", seal(secret))))
                .when()
                .post("/");
        answer.then()
                .statusCode(200)
                .body("type", equalTo("dev.sealer.unseal.result"))
                .body("data.jwe", startsWith("ey"));
        assertThat(answer.asString()).doesNotContain(secret).doesNotContain("\"text\"");
        assertThat(new String(opened(answer.path("data.jwe")).getPayload().toBytes(), StandardCharsets.UTF_8))
                .isEqualTo(secret);
    }

    @Test
    void answer_cannotBeOpenedWithAnotherKey() throws Exception {
        String jwe = SealerHttp.event(
                        given().contentType(ContentType.JSON), "dev.sealer.unseal", "unseal-evt-3", "/tests/events")
                .body(Map.of("sealed", seal("not-for-you-3c1")))
                .when()
                .post("/")
                .then()
                .statusCode(200)
                .extract()
                .path("jwe");
        ECKey stranger = new ECKeyGenerator(Curve.P_256).generate();
        assertThatThrownBy(() -> JWEObject.parse(jwe).decrypt(new ECDHDecrypter(stranger)))
                .isInstanceOf(Exception.class);
    }

    @Test
    void plainHttpUnseal_stillAnswersInClear() {
        SealerHttp.unseal(seal("plain-http-answer-2d8"))
                .then()
                .statusCode(200)
                .body("text", equalTo("plain-http-answer-2d8"));
    }
}
