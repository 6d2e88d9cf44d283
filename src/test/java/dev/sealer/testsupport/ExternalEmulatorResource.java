package dev.sealer.testsupport;

import dev.sealer.credentials.CredentialFiles;
import dev.sealer.emulator.EmulatorFaults;
import dev.sealer.emulator.EmulatorServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A KMS instance outside the application (an {@link EmulatorServer} of its own, in a temporary
 * directory), with the application's embedded emulator switched off: the application reaches it
 * exactly as it would reach a real instance, from configuration alone. With the init argument
 * {@code mode=values} the client key, password and CA are handed over as configuration values
 * instead of a directory.
 */
public class ExternalEmulatorResource implements QuarkusTestResourceLifecycleManager {

    public static final String INSTANCE = "kst-external0000000000001";
    public static final String CLIENT_KEY = "KAAP.external-0001";
    public static final String KEY = "key-external-0001";

    private EmulatorServer server;
    private Path directory;
    private String mode = "dir";

    @Override
    public void init(Map<String, String> initArgs) {
        mode = initArgs.getOrDefault("mode", "dir");
    }

    @Override
    public Map<String, String> start() {
        try {
            directory = Files.createTempDirectory("external-kms");
            server = new EmulatorServer(
                            EmulatorServer.Settings.forTests(directory, INSTANCE, CLIENT_KEY, List.of(KEY), Map.of()),
                            new EmulatorFaults())
                    .start();
            Map<String, String> common = Map.of(
                    "aliyun.kms.emulator.enabled", "false",
                    "aliyun.kms.endpoint", server.endpoint().toString(),
                    "aliyun.kms.instance-id", INSTANCE,
                    "aliyun.kms.client-key-id", CLIENT_KEY,
                    "aliyun.kms.key-id", KEY);
            if (!"values".equals(mode)) {
                return merge(common, Map.of("aliyun.kms.credential-dir", directory.toString()));
            }
            return merge(
                    common,
                    Map.of(
                            "aliyun.kms.credential-dir",
                                    directory.resolve("not-used").toString(),
                            "aliyun.kms.client-key-json", read(CredentialFiles.clientKeyFileName(CLIENT_KEY)),
                            "aliyun.kms.password",
                                    read(CredentialFiles.passwordFileName(CLIENT_KEY))
                                            .strip(),
                            "aliyun.kms.ca-pem", read(CredentialFiles.caFileName(INSTANCE))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String read(String name) throws IOException {
        return Files.readString(directory.resolve(name), StandardCharsets.UTF_8);
    }

    private static Map<String, String> merge(Map<String, String> a, Map<String, String> b) {
        java.util.HashMap<String, String> all = new java.util.HashMap<>(a);
        all.putAll(b);
        return all;
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
        if (directory != null) {
            try (var files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder())
                        .forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                // best effort
            }
        }
    }
}
