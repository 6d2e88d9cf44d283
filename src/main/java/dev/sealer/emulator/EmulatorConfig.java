package dev.sealer.emulator;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Configuration of the embedded KMS-instance emulator ({@code aliyun.kms.emulator.*}). */
@ConfigMapping(prefix = "aliyun.kms.emulator")
public interface EmulatorConfig {

    /**
     * Runs the emulator in this process. Off by default; on in the dev and test profiles, and refused
     * in every other profile (the start fails).
     */
    @WithDefault("false")
    boolean enabled();

    /**
     * The emulator's own folder: its state and the credential files it issues. Never a folder that
     * holds real credentials: the emulator refuses to overwrite files it did not write.
     */
    @WithDefault(".kms-emulator")
    Path directory();

    /** The HTTPS port; 0 picks a free one (logged at start). */
    @WithDefault("0")
    int port();

    /** The address to listen on. Loopback by default: the emulator is not meant to be reachable. */
    @WithDefault("127.0.0.1")
    String host();

    /** The emulated instance's id. */
    @WithDefault("kst-emu00000000000000001")
    String instanceId();

    /** The id of the client key the emulator issues. */
    @WithDefault("KAAP.emulator-client-key-0001")
    String clientKeyId();

    /** Key ids and {@code alias/...} names, each an AES-256 key. The first is the default key. */
    @WithDefault("key-emulator-0001")
    List<String> keys();

    /** Secrets served by {@code GetSecretValue}: {@code aliyun.kms.emulator.secrets.<name>=<value>}. */
    Map<String, String> secrets();

    /**
     * Where the emulator keeps its state (CA keys, server key, AES keys). Default: a file
     * {@code .kms-emulator-state.json} in its folder.
     */
    Optional<Path> stateFile();

    /** Requests whose {@code date} is further than this from the emulator's clock are refused. */
    @WithDefault("15m")
    Duration maxClockSkew();

    /** The RAM role its metadata service serves (written into {@code ecsRamRole.json} in its folder). */
    @WithDefault("EmulatorEcsRole")
    String ramRole();

    /** The region written into {@code ecsRamRole.json}. */
    @WithDefault("cn-hangzhou")
    String regionId();

    /** The lifetime of the role credentials its metadata service hands out. */
    @WithDefault("1h")
    Duration roleCredentialsTtl();

    /** The lifetime of the credentials in the {@code emulator-sts-token} file it writes at each start. */
    @WithDefault("12h")
    Duration stsTokenTtl();

    Faults faults();

    /** Faults on demand, for reliability tests; all off by default. */
    interface Faults {
        /** Added to every answer. */
        @WithDefault("0ms")
        Duration latency();

        /** Share (0..1) of requests answered 429 {@code Rejected.Throttling}. */
        @WithDefault("0")
        double throttleRate();

        /** Share (0..1) of requests answered 503 {@code ServiceUnavailableTemporary}. */
        @WithDefault("0")
        double errorRate();

        /** Share (0..1) of requests whose connection is closed without an answer. */
        @WithDefault("0")
        double dropRate();
    }
}
