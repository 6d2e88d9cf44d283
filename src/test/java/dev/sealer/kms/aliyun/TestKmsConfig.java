package dev.sealer.kms.aliyun;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * An {@link AliyunKmsConfig} with chosen timeouts, retries and rotation check interval, for tests
 * that build {@link AliyunKmsClients} themselves instead of restarting Quarkus with another profile.
 * Every id, endpoint and credential setting is empty: the tests pass a credential store and an
 * endpoint function.
 */
record TestKmsConfig(Duration connectTimeout, Duration readTimeout, Duration callTimeout, Retry retry,
        Duration credentialCheckInterval) implements AliyunKmsConfig {

    record TestRetry(int maxAttempts, Duration initialBackoff, Duration maxBackoff) implements Retry {
    }

    /** Timeouts of a few seconds, 3 attempts with 20-100 ms back-off (as the %test profile), rotation check every 2 s. */
    static TestKmsConfig defaults() {
        return new TestKmsConfig(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(10),
                new TestRetry(3, Duration.ofMillis(20), Duration.ofMillis(100)), Duration.ofSeconds(2));
    }

    TestKmsConfig withTimeouts(Duration read, Duration call) {
        return new TestKmsConfig(connectTimeout, read, call, retry, credentialCheckInterval);
    }

    TestKmsConfig withRetry(int maxAttempts) {
        return new TestKmsConfig(connectTimeout, readTimeout, callTimeout,
                new TestRetry(maxAttempts, retry.initialBackoff(), retry.maxBackoff()), credentialCheckInterval);
    }

    TestKmsConfig withCredentialCheckInterval(Duration interval) {
        return new TestKmsConfig(connectTimeout, readTimeout, callTimeout, retry, interval);
    }

    @Override
    public Optional<String> endpoint() {
        return Optional.empty();
    }

    @Override
    public Optional<String> instanceId() {
        return Optional.empty();
    }

    @Override
    public Optional<String> clientKeyId() {
        return Optional.empty();
    }

    @Override
    public Optional<String> keyId() {
        return Optional.empty();
    }

    @Override
    public Optional<Path> credentialDir() {
        return Optional.empty();
    }

    @Override
    public Optional<Path> clientKeyFile() {
        return Optional.empty();
    }

    @Override
    public Optional<Path> passwordFile() {
        return Optional.empty();
    }

    @Override
    public Optional<Path> caFile() {
        return Optional.empty();
    }

    @Override
    public Optional<String> clientKeyJson() {
        return Optional.empty();
    }

    @Override
    public Optional<String> password() {
        return Optional.empty();
    }

    @Override
    public Optional<String> caPem() {
        return Optional.empty();
    }
}
