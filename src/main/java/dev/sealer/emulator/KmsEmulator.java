package dev.sealer.emulator;

import dev.sealer.kms.aliyun.LocalKmsInstance;
import io.quarkus.arc.lookup.LookupIfProperty;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The embedded KMS-instance emulator as the application runs it: active only with
 * {@code aliyun.kms.emulator.enabled=true}, and then the default KMS of the driver (endpoint, ids
 * and credential directory). Its files go to {@code aliyun.kms.credential-dir}, or
 * {@code ./.kms-emulator} when that is not set. A development tool with no security value.
 */
@ApplicationScoped
@LookupIfProperty(name = "aliyun.kms.emulator.enabled", stringValue = "true")
public class KmsEmulator implements LocalKmsInstance {

    static final Path DEFAULT_DIRECTORY = Path.of(".kms-emulator");

    @Inject
    EmulatorConfig config;

    @ConfigProperty(name = "aliyun.kms.credential-dir")
    Optional<Path> credentialDir;

    private EmulatorServer server;
    private Path directory;

    @PostConstruct
    void start() {
        directory = credentialDir.orElse(DEFAULT_DIRECTORY).toAbsolutePath().normalize();
        Path stateFile = config.stateFile().map(Path::of).orElse(directory.resolve(EmulatorServer.STATE_FILE));
        server = new EmulatorServer(new EmulatorServer.Settings(directory, stateFile, config.host(), config.port(),
                config.instanceId(), config.clientKeyId(), config.keys(), config.secrets(), config.maxClockSkew()),
                new EmulatorFaults(config.faults())).start();
    }

    /** The fault switches, for reliability tests. */
    public EmulatorFaults faults() {
        return server.faults();
    }

    @Override
    public URI endpoint() {
        return server.endpoint();
    }

    @Override
    public String instanceId() {
        return config.instanceId();
    }

    @Override
    public String clientKeyId() {
        return config.clientKeyId();
    }

    @Override
    public String keyId() {
        return config.keys().get(0);
    }

    @Override
    public Path credentialDir() {
        return directory;
    }

    @PreDestroy
    void stop() {
        server.close();
    }
}
