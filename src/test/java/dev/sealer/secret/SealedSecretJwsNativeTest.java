package dev.sealer.secret;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyFactorySpi;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SignatureSpi;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.KeySpec;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every case of {@link SealedSecretJwsTest} again, with AWS-LC verifying ({@code sealer.crypto-provider=accp}),
 * and what the provider is trusted with: its verdict decides only after the checks that do not depend on it
 * (length, R and S in range, a valid point), and a provider that cannot serve leaves the verdict to Bouncy
 * Castle.
 */
class SealedSecretJwsNativeTest extends SealedSecretJwsTest {

    @BeforeEach
    void verifyOnAwsLc() {
        assertThat(AmazonCorrettoCryptoProvider.INSTANCE.getLoadingError()).isNull();
        Es256.verifyWith(AmazonCorrettoCryptoProvider.INSTANCE);
    }

    @AfterEach
    void verifyOnBouncyCastle() {
        Es256.verifyWith(null);
    }

    @Test
    void provider_decidesOnlyAfterTheChecksThatDoNotDependOnIt() throws Exception {
        ECPublicKey key = newKey();
        byte[] wrong = new byte[Es256.SIGNATURE_BYTES];
        Arrays.fill(wrong, (byte) 1);
        Es256.verifyWith(new AcceptEverything());
        assertThat(Es256.verify(key, "a.b", wrong))
                .as("the provider's verdict counts")
                .isTrue();
        assertThat(Es256.verify(key, "a.b", new byte[Es256.SIGNATURE_BYTES]))
                .as("R = S = 0 is refused before the provider")
                .isFalse();
        assertThat(Es256.verify(key, "a.b", new byte[63])).isFalse();
    }

    @Test
    void providerThatCannotServe_leavesTheVerdictToBouncyCastle() throws Exception {
        Es256.verifyWith(new Provider("Empty", "1", "serves nothing") {});
        ECPublicKey key = newKey();
        byte[] wrong = new byte[Es256.SIGNATURE_BYTES];
        Arrays.fill(wrong, (byte) 1);
        assertThat(Es256.verify(key, "a.b", wrong)).isFalse();
    }

    private static ECPublicKey newKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", "SunEC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return (ECPublicKey) generator.generateKeyPair().getPublic();
    }

    /** A provider whose ES256 verification accepts anything: to see whose verdict counts. */
    private static final class AcceptEverything extends Provider {
        AcceptEverything() {
            super("AcceptEverything", "1", "test only");
            put("Signature.SHA256withECDSAinP1363Format", AcceptAll.class.getName());
            put("KeyFactory.EC", SunKeys.class.getName());
        }
    }

    public static final class AcceptAll extends SignatureSpi {
        @Override
        protected void engineInitVerify(PublicKey publicKey) {}

        @Override
        protected void engineInitSign(PrivateKey privateKey) throws InvalidKeyException {
            throw new InvalidKeyException("verification only");
        }

        @Override
        protected void engineUpdate(byte b) {}

        @Override
        protected void engineUpdate(byte[] b, int off, int len) {}

        @Override
        protected byte[] engineSign() {
            throw new UnsupportedOperationException();
        }

        @Override
        protected boolean engineVerify(byte[] sigBytes) {
            return true;
        }

        @Override
        @Deprecated
        protected void engineSetParameter(String param, Object value) {}

        @Override
        @Deprecated
        protected Object engineGetParameter(String param) {
            return null;
        }
    }

    public static final class SunKeys extends KeyFactorySpi {
        @Override
        protected PublicKey engineGeneratePublic(KeySpec keySpec) throws java.security.spec.InvalidKeySpecException {
            try {
                return KeyFactory.getInstance("EC", "SunEC").generatePublic(keySpec);
            } catch (java.security.GeneralSecurityException e) {
                throw new java.security.spec.InvalidKeySpecException(e);
            }
        }

        @Override
        protected PrivateKey engineGeneratePrivate(KeySpec keySpec) {
            throw new UnsupportedOperationException();
        }

        @Override
        protected <T extends KeySpec> T engineGetKeySpec(Key key, Class<T> keySpec) {
            throw new UnsupportedOperationException();
        }

        @Override
        protected Key engineTranslateKey(Key key) {
            return key;
        }
    }
}
