package dev.sealer.functions.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.sealer.testsupport.SealerHttp;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.security.Security;
import java.security.Signature;
import java.time.Duration;
import javax.crypto.Cipher;
import org.junit.jupiter.api.Test;

/**
 * By default ({@code sealer.crypto-provider=accp}) AWS-LC is the first JCA provider once its background install
 * is done, so the KMS request signature, TLS and the data cipher run in it; seal and unseal work on it end to end
 * (the KMS emulator's TLS and signature checks run on it too). The JDK-only case: {@code JdkCryptoProviderTest}.
 */
@QuarkusTest
class NativeCryptoTest {

    @Inject
    NativeCrypto nativeCrypto;

    @Test
    void accp_isTheFirstProvider_andServesTheHotPathAlgorithms() throws Exception {
        nativeCrypto.awaitInstall(Duration.ofSeconds(30));
        assertThat(nativeCrypto.installed()).isTrue();
        assertThat(Security.getProviders()[0].getName()).isEqualTo("AmazonCorrettoCryptoProvider");
        assertThat(Signature.getInstance("SHA256withRSA").getProvider().getName())
                .isEqualTo("AmazonCorrettoCryptoProvider");
        assertThat(Cipher.getInstance("AES/GCM/NoPadding").getProvider().getName())
                .isEqualTo("AmazonCorrettoCryptoProvider");
    }

    @Test
    void sealAndUnseal_runOnIt() {
        nativeCrypto.awaitInstall(Duration.ofSeconds(30));
        nativeCrypto.checkHealth();
        assertThat(nativeCrypto.installed()).as("its self-tests passed").isTrue();
        String sealed = SealerHttp.sealText("on AWS-LC 5c1e");
        SealerHttp.unseal(sealed).then().statusCode(200).body("text", equalTo("on AWS-LC 5c1e"));
    }
}
