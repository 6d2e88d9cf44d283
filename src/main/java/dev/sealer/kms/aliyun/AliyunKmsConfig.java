package dev.sealer.kms.aliyun;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Configuration of the Aliyun KMS provider ({@code aliyun.kms.*}). Ids and files are public except
 * {@link #password()} and {@link #clientKeyJson()}, which are secret and never logged. Profile-specific
 * values (credential folders) are in {@code application.properties}; every default is written here, once.
 */
@ConfigMapping(prefix = "aliyun.kms")
public interface AliyunKmsConfig {

    /**
     * Overrides the endpoint of every instance, e.g. {@code https://localhost:8443}. Default:
     * {@code https://<kms_instance_id>.cryptoservice.kms.aliyuncs.com}.
     */
    Optional<String> endpoint();

    /** The KMS instance used when a seal request names none ({@code kst-...}). */
    Optional<String> instanceId();

    /** The client key used when a seal request names none ({@code KAAP....}). */
    Optional<String> clientKeyId();

    /** The KMS key (id or {@code alias/...}) used when a seal request names none. */
    Optional<String> keyId();

    /**
     * The folder holding {@code clientKey_<id>.json}, {@code password_<id>.json} and
     * {@code PrivateKmsCA_<instance>.pem} (user mode: any folder; TEE mode: the CDH's).
     */
    Optional<Path> credentialDir();

    /**
     * A folder used instead of {@link #credentialDir()} when that does not exist and this one does:
     * in the {@code tee} profile, the CDH's credential folder before 2026-02.
     */
    Optional<Path> legacyCredentialDir();

    /** Explicit client key file; with {@link #passwordFile()} and {@link #caFile()} it replaces the folder. */
    Optional<Path> clientKeyFile();

    Optional<Path> passwordFile();

    Optional<Path> caFile();

    /** The client key JSON itself (secret), for hosts that cannot mount files. */
    Optional<String> clientKeyJson();

    /** The client key password itself (secret). */
    Optional<String> password();

    /** The CA PEM itself. */
    Optional<String> caPem();

    /** TCP connect timeout of one attempt. */
    @WithDefault("5s")
    Duration connectTimeout();

    /** Time a single attempt may wait for data from the KMS. */
    @WithDefault("10s")
    Duration readTimeout();

    /** Upper bound on a whole KMS call, retries and back-off included. */
    @WithDefault("30s")
    Duration callTimeout();

    Retry retry();

    /** How often cached clients check their credential files for a rotation. */
    @WithDefault("2s")
    Duration credentialCheckInterval();

    /** How many (instance, client key) clients are kept ready at most. */
    @WithDefault("32")
    int maxClients();

    /** Retries of throttled, 5xx and connection failures, with exponential back-off. */
    interface Retry {
        /** Attempts in all, the first included (the official SDK's default is 3). */
        @WithDefault("3")
        int maxAttempts();

        @WithDefault("200ms")
        Duration initialBackoff();

        @WithDefault("2s")
        Duration maxBackoff();
    }
}
