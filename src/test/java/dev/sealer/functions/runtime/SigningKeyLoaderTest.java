package dev.sealer.functions.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sealer.ErrorCode;
import dev.sealer.SealerException;
import dev.sealer.secret.KidResolver;
import dev.sealer.testsupport.ApplicationConfig;
import dev.sealer.testsupport.TestSigner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An absent signing key: declared optional, the service starts unseal-only (the Knative manifests
 * mount the signing key from an optional Secret); not declared optional, the start stops (a typo in a
 * path must not silently turn sealing off).
 */
class SigningKeyLoaderTest {

    @TempDir
    Path dir;

    private SealedSecretConfig.Signing signing(Map<String, String> properties) {
        return ApplicationConfig.build("prod", properties)
                .getConfigMapping(SealedSecretConfig.class)
                .signing();
    }

    @Test
    void absentFile_declaredOptional_startsUnsealOnly() {
        assertThat(SigningKeyLoader.load(
                        signing(Map.of(
                                "sealed-secret.signing.jwk-file",
                                dir.resolve("absent.jwk").toString(),
                                "sealed-secret.signing.kid",
                                "k",
                                "sealed-secret.signing.optional",
                                "true")),
                        KidResolver.files(dir)))
                .isEmpty();
    }

    @Test
    void absentFile_notDeclaredOptional_stopsTheStart() {
        assertThatThrownBy(() -> SigningKeyLoader.load(
                        signing(Map.of(
                                "sealed-secret.signing.jwk-file",
                                dir.resolve("absent.jwk").toString(),
                                "sealed-secret.signing.kid",
                                "k")),
                        KidResolver.files(dir)))
                .isInstanceOf(SealerException.class)
                .satisfies(e -> assertThat(((SealerException) e).errorCode()).isEqualTo(ErrorCode.NOT_CONFIGURED));
    }

    @Test
    void presentFile_declaredOptional_isLoaded() throws Exception {
        Path file = dir.resolve("signing.jwk");
        Files.writeString(file, TestSigner.random("k").key().toJSONString());
        assertThat(SigningKeyLoader.load(
                        signing(Map.of(
                                "sealed-secret.signing.jwk-file",
                                file.toString(),
                                "sealed-secret.signing.kid",
                                "k",
                                "sealed-secret.signing.optional",
                                "true")),
                        KidResolver.files(dir)))
                .isPresent();
    }
}
