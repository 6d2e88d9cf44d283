package dev.sealer.emulator;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.sealer.credentials.CredentialFiles;
import dev.sealer.kms.aliyun.LocalKmsInstance;
import io.quarkus.arc.lookup.LookupIfProperty;
import io.quarkus.runtime.configuration.ConfigUtils;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * The embedded KMS-instance emulator as the application runs it: active only with
 * {@code aliyun.kms.emulator.enabled=true}, and only in the {@code dev} and {@code test} profiles (in
 * any other the start fails: a development tool must not become the KMS of a real deployment). It is
 * then the default KMS of the driver (endpoint, ids and credential folder, unless configured). Its files
 * live in a folder of its own, {@code aliyun.kms.emulator.directory}. No security value.
 */
@ApplicationScoped
@LookupIfProperty(name = "aliyun.kms.emulator.enabled", stringValue = "true")
public class KmsEmulator implements LocalKmsInstance {

    @Inject
    EmulatorConfig config;

    private EmulatorServer server;
    private Path directory;

    @PostConstruct
    void start() {
        List<String> profiles = ConfigUtils.getProfiles();
        if (!profiles.contains("dev") && !profiles.contains("test")) {
            throw new IllegalStateException("aliyun.kms.emulator.enabled=true is refused in the profiles " + profiles
                    + ": the KMS emulator is a development tool (dev and test profiles only), with no security value");
        }
        directory = config.directory().toAbsolutePath().normalize();
        Path stateFile = config.stateFile().orElse(directory.resolve(EmulatorServer.STATE_FILE));
        server = new EmulatorServer(
                        new EmulatorServer.Settings(
                                directory,
                                stateFile,
                                config.host(),
                                config.port(),
                                config.instanceId(),
                                config.clientKeyId(),
                                config.keys(),
                                config.secrets(),
                                config.maxClockSkew()),
                        new EmulatorFaults(config.faults()),
                        Ticker.systemTicker(),
                        Clock.systemUTC(),
                        new EmulatorServer.RamSettings(
                                config.ramRole(), config.regionId(), config.roleCredentialsTtl(), config.stsTokenTtl()))
                .start();
    }

    /** The fault switches and the request counter, for reliability tests. */
    public EmulatorFaults faults() {
        return server.faults();
    }

    /** The emulator's STS, for tests that need RAM credentials of their own (expired ones included). */
    public EmulatorRoles roles() {
        return server.roles();
    }

    @Override
    public URI metadataEndpoint() {
        return server.metadataEndpoint();
    }

    @Override
    public Path caFile() {
        return directory.resolve(CredentialFiles.caFileName(config.instanceId()));
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
