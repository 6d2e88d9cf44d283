package dev.sealer.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.sealer.functions.runtime.NativeCrypto;
import dev.sealer.testsupport.SealerHttp;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.security.Security;
import java.security.Signature;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * With {@code sealer.crypto-provider=jdk} (and where AWS-LC does not load) nothing is added to the JCA: the
 * provider an earlier start in this JVM installed was taken out at its stop, and seal and unseal work on the
 * JDK's own crypto.
 */
@QuarkusTest
@TestProfile(OptInFeaturesProfile.class)
class JdkCryptoProviderTest {

    @Inject
    NativeCrypto nativeCrypto;

    @Test
    void jdk_addsNoProvider_andSealAndUnsealWork() throws Exception {
        nativeCrypto.awaitInstall(Duration.ofSeconds(30));
        assertThat(nativeCrypto.installed()).isFalse();
        assertThat(Security.getProvider("AmazonCorrettoCryptoProvider")).isNull();
        assertThat(Signature.getInstance("SHA256withRSA").getProvider().getName())
                .isNotEqualTo("AmazonCorrettoCryptoProvider");
        String sealed = SealerHttp.sealText("on the JDK 77b0");
        SealerHttp.unseal(sealed).then().statusCode(200).body("text", equalTo("on the JDK 77b0"));
    }
}
