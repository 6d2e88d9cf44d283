package dev.sealer.credentials.ram;

import java.time.Instant;
import java.util.Objects;

/**
 * A set of RAM credentials for the KMS OpenAPI: an AccessKeyId (public), its AccessKeySecret and,
 * for short-lived STS credentials, a SecurityToken (both secret), and when they expire (null:
 * unknown, e.g. read from a token file). {@link #toString()} shows the id only.
 */
public final class RamCredentials {

    private final String accessKeyId;
    private final String accessKeySecret;
    private final String securityToken;
    private final Instant expiration;

    /**
     * @param securityToken empty or null for long-term access keys
     * @param expiration null when unknown
     */
    public RamCredentials(String accessKeyId, String accessKeySecret, String securityToken, Instant expiration) {
        this.accessKeyId = Objects.requireNonNull(accessKeyId);
        this.accessKeySecret = Objects.requireNonNull(accessKeySecret);
        this.securityToken = securityToken == null ? "" : securityToken;
        this.expiration = expiration;
    }

    public String accessKeyId() {
        return accessKeyId;
    }

    /** Secret. */
    public String accessKeySecret() {
        return accessKeySecret;
    }

    /** Secret; empty for long-term access keys. */
    public String securityToken() {
        return securityToken;
    }

    /** When the credentials stop working; null when unknown. */
    public Instant expiration() {
        return expiration;
    }

    @Override
    public String toString() {
        return "RamCredentials[" + accessKeyId + (expiration == null ? "" : ", expires " + expiration) + "]";
    }
}
