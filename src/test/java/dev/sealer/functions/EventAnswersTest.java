package dev.sealer.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.sealer.ErrorCode;
import dev.sealer.SealerException;
import dev.sealer.functions.runtime.SealerConfig;
import dev.sealer.testsupport.ApplicationConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start-up rules of unseal over CloudEvents: off by default; on only with a usable public recipient key. */
class EventAnswersTest {

    @TempDir
    Path dir;

    private static EventAnswers answers(Map<String, String> properties) {
        EventAnswers answers = new EventAnswers();
        answers.config = ApplicationConfig.build("prod", properties).getConfigMapping(SealerConfig.class);
        return answers;
    }

    private static void assertRefused(Map<String, String> properties, String message) {
        assertThatThrownBy(() -> answers(properties).checkConfiguration())
                .isInstanceOf(SealerException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((SealerException) e).errorCode()).isEqualTo(ErrorCode.NOT_CONFIGURED));
    }

    @Test
    void byDefault_unsealOverEventsIsOff() {
        EventAnswers answers = answers(Map.of());
        answers.checkConfiguration();
        assertThat(answers.enabled()).isFalse();
    }

    @Test
    void enabled_withoutRecipient_orWithTwo_stopsTheStart() throws Exception {
        assertRefused(Map.of("sealer.events.unseal.enabled", "true"), "recipient");
        Path file = dir.resolve("recipient.jwk");
        String key = new ECKeyGenerator(Curve.P_256).generate().toPublicJWK().toJSONString();
        Files.writeString(file, key);
        assertRefused(
                Map.of(
                        "sealer.events.unseal.enabled",
                        "true",
                        "sealer.events.unseal.recipient-jwk",
                        key,
                        "sealer.events.unseal.recipient-jwk-file",
                        file.toString()),
                "exactly one");
    }

    @Test
    void recipientWithPrivatePart_orNotEc_orNotAJwk_stopsTheStart() throws Exception {
        ECKey pair = new ECKeyGenerator(Curve.P_256).generate();
        assertRefused(
                Map.of(
                        "sealer.events.unseal.enabled",
                        "true",
                        "sealer.events.unseal.recipient-jwk",
                        pair.toJSONString()),
                "private part");
        assertRefused(
                Map.of(
                        "sealer.events.unseal.enabled",
                        "true",
                        "sealer.events.unseal.recipient-jwk",
                        new RSAKeyGenerator(2048).generate().toPublicJWK().toJSONString()),
                "EC JWK");
        assertRefused(
                Map.of("sealer.events.unseal.enabled", "true", "sealer.events.unseal.recipient-jwk", "not json"),
                "not a JWK");
    }

    @Test
    void recipientFromFile_isUsed() throws Exception {
        Path file = dir.resolve("recipient.jwk");
        Files.writeString(
                file,
                new ECKeyGenerator(Curve.P_384)
                        .keyID("r-384")
                        .generate()
                        .toPublicJWK()
                        .toJSONString());
        EventAnswers answers = answers(Map.of(
                "sealer.events.unseal.enabled", "true", "sealer.events.unseal.recipient-jwk-file", file.toString()));
        answers.checkConfiguration();
        assertThat(answers.encrypt("x".getBytes(), "e-1").split("\\.")).hasSize(5);
    }
}
