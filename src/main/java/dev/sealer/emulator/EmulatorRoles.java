package dev.sealer.emulator;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The emulator's STS: it issues short-lived RAM credentials (AccessKeyId {@code STS.emulator...},
 * AccessKeySecret, SecurityToken, Expiration), remembers them until a day after they expire, and
 * tells the OpenAPI who signed a request. The metadata endpoint asks it for the credentials of its
 * one RAM role: the same set until less than a quarter of its lifetime remains, then a new one (the
 * old one stays valid until it expires), like the ECS metadata service. Tests may issue sets of any
 * lifetime, already expired ones included. Thread-safe. The secrets are random and kept in memory
 * only; a restart forgets them.
 */
public final class EmulatorRoles {

    /** One issued set. {@link #toString()} hides the secrets. */
    public record Issued(String accessKeyId, String accessKeySecret, String securityToken, Instant expiration) {

        /** The {@code sts_token} file form, {@code AK:SK:STS}. */
        public String tokenFile() {
            return accessKeyId + ":" + accessKeySecret + ":" + securityToken;
        }

        @Override
        public String toString() {
            return "Issued[" + accessKeyId + ", expires " + expiration + "]";
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration FORGET_AFTER = Duration.ofDays(1);

    private final String roleName;
    private final Duration roleTtl;
    private final Clock clock;
    private final Map<String, Issued> byAccessKeyId = new ConcurrentHashMap<>();
    private volatile Issued roleCredentials;

    /**
     * @param roleName the RAM role the metadata endpoint serves
     * @param roleTtl the lifetime of the role's credentials
     */
    public EmulatorRoles(String roleName, Duration roleTtl, Clock clock) {
        this.roleName = roleName;
        this.roleTtl = roleTtl;
        this.clock = clock;
    }

    public String roleName() {
        return roleName;
    }

    /** A new set valid for {@code ttl} from now (a negative ttl gives one that has already expired). */
    public Issued issue(Duration ttl) {
        forgetOld();
        Issued issued = new Issued(
                "STS.emulator" + random(12),
                random(30),
                "CAIS" + randomStandard(121),
                clock.instant().plus(ttl).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        byAccessKeyId.put(issued.accessKeyId(), issued);
        return issued;
    }

    /** The role's current set, renewed when less than a quarter of its lifetime remains. */
    public synchronized Issued roleCredentials() {
        Issued current = roleCredentials;
        if (current == null || clock.instant().isAfter(current.expiration().minus(roleTtl.dividedBy(4)))) {
            current = issue(roleTtl);
            roleCredentials = current;
        }
        return current;
    }

    /** The set of an AccessKeyId, expired ones included; null when unknown. */
    Issued find(String accessKeyId) {
        return accessKeyId == null ? null : byAccessKeyId.get(accessKeyId);
    }

    boolean expired(Issued issued) {
        return !clock.instant().isBefore(issued.expiration());
    }

    private void forgetOld() {
        Instant limit = clock.instant().minus(FORGET_AFTER);
        byAccessKeyId.values().removeIf(issued -> issued.expiration().isBefore(limit));
    }

    /** URL-safe random characters (letters, digits, '-', '_'). */
    private static String random(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    /** Standard base64 with '+', '/' and '=': real security tokens look like this, and it tests the encodings. */
    private static String randomStandard(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return Base64.getEncoder().encodeToString(random);
    }
}
