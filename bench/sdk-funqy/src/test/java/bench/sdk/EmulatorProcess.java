package bench.sdk;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A KMS instance for the packaged app: the sealer's KMS emulator, which runs only in the sealer's dev
 * profile, launched as a process of its own from the sealer's packaged application (system property
 * {@code bench.sealer-app}, set by the pom), exactly as {@code dev.sealer.bench.Benchmark} launches it.
 * Its default instance, client key and key; handed to the app as its {@code kms.*} configuration.
 */
public class EmulatorProcess implements QuarkusTestResourceLifecycleManager {

    private static final String INSTANCE = "kst-emu00000000000000001";
    private static final String CLIENT_KEY = "KAAP.emulator-client-key-0001";
    static final String KEY = "key-emulator-0001";

    private Process emulator;

    @Override
    public Map<String, String> start() {
        try {
            Path sealerApp = Path.of(System.getProperty("bench.sealer-app", "../../target/quarkus-app"));
            Path jar = sealerApp.resolve("quarkus-run.jar").toAbsolutePath();
            if (!Files.exists(jar)) {
                throw new IllegalStateException(jar + " is missing: package the sealer first (bench/run.sh does)");
            }
            Path home = Path.of("target/kms-emulator").toAbsolutePath();
            Path credentials = home.resolve("kms");
            Files.createDirectories(home);
            int port = freePort();
            emulator = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                            "-Xmx256m",
                            "-Dquarkus.profile=dev",
                            "-Daliyun.kms.emulator.port=" + port,
                            "-Daliyun.kms.emulator.directory=" + credentials,
                            "-Dquarkus.http.port=" + freePort(),
                            "-Dquarkus.log.level=WARN",
                            "-jar",
                            jar.toString())
                    .directory(home.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(home.resolve("emulator.log").toFile())
                    .start();
            Path clientKey = credentials.resolve("clientKey_" + CLIENT_KEY + ".json");
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (!Files.exists(clientKey) || !listening(port)) {
                if (System.nanoTime() > deadline || !emulator.isAlive()) {
                    throw new IllegalStateException("the emulator did not start; see " + home.resolve("emulator.log"));
                }
                Thread.sleep(50);
            }
            return Map.of(
                    "kms.endpoint", "localhost:" + port,
                    "kms.client-key-file", clientKey.toString(),
                    "kms.password-file", credentials.resolve("password_" + CLIENT_KEY + ".json").toString(),
                    "kms.ca-file", credentials.resolve("PrivateKmsCA_" + INSTANCE + ".pem").toString(),
                    "kms.key-id", KEY);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        if (emulator != null) {
            emulator.destroy();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
