package dev.sealer.kms.aliyun;

import dev.sealer.kms.RetryLoop;
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

    /** The retry loop's policy of every Aliyun KMS client (instance and OpenAPI), from these settings. */
    default RetryLoop.Policy retryPolicy() {
        return new RetryLoop.Policy(
                retry().maxAttempts(), retry().initialBackoff(), retry().maxBackoff(), callTimeout());
    }

    /** How often cached clients check their credential files for a rotation. */
    @WithDefault("2s")
    Duration credentialCheckInterval();

    /** How many (instance, client key) clients are kept ready at most. */
    @WithDefault("32")
    int maxClients();

    /** The KMS OpenAPI, used by the client types {@code ecs_ram_role} and {@code sts_token}. */
    OpenApi openapi();

    /**
     * The instance metadata service that hands out the RAM role credentials of {@code ecs_ram_role}.
     * Default: {@code http://100.100.100.200}, or the embedded emulator's when it runs.
     */
    Optional<String> ecsMetadataEndpoint();

    /** Bound on one request to the metadata service (connect and answer). */
    @WithDefault("2s")
    Duration ecsMetadataTimeout();

    /** The RAM role credentials of {@code ecs_ram_role}: where they come from and when they are refreshed. */
    RoleCredentials roleCredentials();

    /**
     * The only folder {@code sts_token} token files are read from ({@code provider_settings.token_path}
     * must resolve inside it, and name no credential file). A folder of its own: it may not hold the
     * credential folder. Default: {@code sts-tokens} inside the credential folder.
     */
    Optional<Path> stsTokenDir();

    /** KMS OpenAPI endpoint ({@code aliyun.kms.openapi.*}). */
    interface OpenApi {
        /**
         * Overrides the endpoint of every region, e.g. {@code https://localhost:8443}. Default:
         * {@code https://kms.<region>.aliyuncs.com} (or {@code kms-vpc}, see {@link #vpcEndpoint()}),
         * or the embedded emulator's when it runs.
         */
        Optional<String> endpoint();

        /** Use the VPC endpoint {@code https://kms-vpc.<region>.aliyuncs.com} (reachable only from a VPC of that region). */
        @WithDefault("false")
        boolean vpcEndpoint();

        /**
         * A PEM file of the only certificates to trust for the OpenAPI endpoint (e.g. of a private
         * gateway). Default: the JVM's trust anchors, or the embedded emulator's CA when it runs.
         */
        Optional<Path> caFile();
    }

    /** RAM role credentials ({@code aliyun.kms.role-credentials.*}). */
    interface RoleCredentials {
        /**
         * {@code metadata}: the ECS instance metadata service, for the role named in
         * {@code ecsRamRole.json} (ECS, ACK, a confidential VM). {@code function-compute}: the
         * credentials Function Compute gives a function that has a role (request headers, else
         * environment variables); default in the {@code fc} profile.
         */
        @WithDefault("metadata")
        Source source();

        /** Cached role credentials are fetched again this long before they expire. */
        @WithDefault("3m")
        Duration refreshBeforeExpiry();

        /** Where {@code ecs_ram_role} credentials come from. */
        enum Source {
            METADATA,
            FUNCTION_COMPUTE
        }
    }

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
