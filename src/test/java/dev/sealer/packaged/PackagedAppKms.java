package dev.sealer.packaged;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.sealer.emulator.EmulatorFaults;
import dev.sealer.emulator.EmulatorServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the packaged application needs to run as a user runs it (prod profile, no emulator inside):
 * a KMS instance outside it (an {@link EmulatorServer} in this test JVM, reached over HTTPS with the
 * instance's CA, a client key and a password, like a real instance), a signing key with its kid, the
 * verification key folder, and an API token. Handed to the application as system properties.
 */
public class PackagedAppKms implements QuarkusTestResourceLifecycleManager {

    static final String INSTANCE = "kst-packaged000000000001";
    static final String CLIENT_KEY = "KAAP.packaged-0001";
    static final String KEY = "key-packaged-0001";
    static final String KID = "packaged-signing-key";
    static final String SECRET_NAME = "packaged-db-password";
    static final String SECRET_VALUE = "vault-value-of-the-packaged-test";
    /** The bearer token the tests send (test-only value). */
    static final String API_TOKEN = "packaged-app-token-5c1d7e";

    private static final Path STATE = Path.of("target/packaged-state").toAbsolutePath();

    private EmulatorServer server;

    @Override
    public Map<String, String> start() {
        try {
            Path kms = STATE.resolve("kms");
            Path verification = STATE.resolve("verification-keys");
            Files.createDirectories(verification);
            server = new EmulatorServer(
                            EmulatorServer.Settings.forTests(
                                    kms, INSTANCE, CLIENT_KEY, List.of(KEY), Map.of(SECRET_NAME, SECRET_VALUE)),
                            new EmulatorFaults())
                    .start();
            ECKey signing = new ECKeyGenerator(Curve.P_256).keyID(KID).generate();
            Path jwk = STATE.resolve("signing.jwk");
            Files.writeString(jwk, signing.toJSONString(), StandardCharsets.UTF_8);
            Files.writeString(verification.resolve(KID), signing.toPublicJWK().toJSONString(), StandardCharsets.UTF_8);

            Map<String, String> properties = new HashMap<>();
            properties.put("aliyun.kms.endpoint", server.endpoint().toString());
            properties.put("aliyun.kms.credential-dir", kms.toString());
            properties.put("aliyun.kms.instance-id", INSTANCE);
            properties.put("aliyun.kms.client-key-id", CLIENT_KEY);
            properties.put("aliyun.kms.key-id", KEY);
            properties.put("sealed-secret.signing.jwk-file", jwk.toString());
            properties.put("sealed-secret.signing.kid", KID);
            properties.put("sealed-secret.verification.key-dir", verification.toString());
            properties.put("sealer.api-token", API_TOKEN);
            return properties;
        } catch (Exception e) {
            throw new IllegalStateException("cannot prepare the packaged application's KMS", e);
        }
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
