package dev.sealer.functions;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.sealer.ErrorCode;
import dev.sealer.SealerException;
import dev.sealer.ServiceFaultException;
import dev.sealer.functions.runtime.SealedSecretConfig;
import dev.sealer.functions.runtime.SealerConfig;
import dev.sealer.secret.GuestResourceApi;
import dev.sealer.secret.KbsResources;
import dev.sealer.secret.Kid;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;

/**
 * The keys the {@code tee} profile takes from KBS, through the guest's resource API
 * ({@code sealed-secret.verification.kbs-resource-url}, pinned to {@code http://127.0.0.1:8006/cdh/resource}
 * by the image's tee entry point): the CDH fetches them only after attestation, and KBS releases them only
 * to a guest its resource policy accepts. Neither the request nor the environment supplies the key itself;
 * a Kubernetes Secret is no source either, since the host can replace a sealed value by a plain one.
 *
 * <ul>
 *   <li>the unseal answer recipient ({@code sealer.tee.unseal.recipient}): a public EC JWK; a JWK with a
 *       private part is refused (the private half belongs to the recipient alone);
 *   <li>the seal input key ({@code sealer.tee.seal.input-key}): a private EC JWK (secret; never logged);
 *   <li>the loopback listener's token ({@code sealer.tee.loopback-token}; secret): only its SHA-256 digest is
 *       kept, and a candidate is compared digest to digest in constant time.
 * </ul>
 *
 * Each is fetched on first use, not at start (the guest may still be attesting), and kept for
 * {@code sealed-secret.verification.kbs-resource-max-age}; failures are not kept.
 */
@ApplicationScoped
public class AttestedKeys {

    private static final Set<String> CURVES = Set.of("P-256", "P-384", "P-521");

    @Inject
    SealerConfig config;

    @Inject
    SealedSecretConfig secretConfig;

    private KbsResources resources;
    private Cache<String, EllipticCurveJsonWebKey> fetched;
    private Cache<String, byte[]> tokenDigest;

    @PostConstruct
    void init() {
        SealedSecretConfig.Verification verification = secretConfig.verification();
        resources = verification
                .kbsResourceUrl()
                .map(url -> (KbsResources) new GuestResourceApi(url, verification.kbsResourceTimeout()))
                .orElse(null);
        fetched = Caffeine.newBuilder()
                .maximumSize(4)
                .expireAfterWrite(verification.kbsResourceMaxAge())
                .build();
        tokenDigest = Caffeine.newBuilder()
                .maximumSize(1)
                .expireAfterWrite(verification.kbsResourceMaxAge())
                .build();
    }

    /** True when {@code candidate} is the loopback token held in KBS (trailing white space of the resource ignored). */
    public boolean isLoopbackToken(String candidate) {
        String property = "sealer.tee.loopback-token";
        String value = config.tee()
                .loopbackToken()
                .orElseThrow(() -> new ServiceFaultException(ErrorCode.NOT_CONFIGURED, property + " is not set"));
        byte[] expected = tokenDigest.getIfPresent(value);
        if (expected == null) {
            byte[] token = bytes(property, value);
            try {
                String text = new String(token, StandardCharsets.UTF_8).strip();
                if (text.isEmpty()) {
                    throw unavailable(property, "the KBS resource is empty", null);
                }
                expected = sha256(text);
            } finally {
                Arrays.fill(token, (byte) 0);
            }
            tokenDigest.put(value, expected);
        }
        return candidate != null && MessageDigest.isEqual(expected, sha256(candidate));
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public key unseal answers are encrypted to. */
    public EllipticCurveJsonWebKey recipient() {
        return fetch("sealer.tee.unseal.recipient", config.tee().unseal().recipient(), false);
    }

    /** The private key seal input is encrypted to. */
    public EllipticCurveJsonWebKey sealInputKey() {
        return fetch("sealer.tee.seal.input-key", config.tee().seal().inputKey(), true);
    }

    /** The configured value as a KBS resource URI; anything else (a path, a JWK) is refused. */
    static Kid.ResourceUri resourceUri(String property, String value) {
        Kid kid;
        try {
            kid = Kid.parse(value);
        } catch (SealerException e) {
            kid = null;
        }
        if (!(kid instanceof Kid.ResourceUri uri)) {
            throw new ServiceFaultException(
                    ErrorCode.NOT_CONFIGURED,
                    property + " must be a KBS resource URI (kbs:///<repo>/<type>/<tag>): the key comes from KBS, "
                            + "after attestation, never from a value the host can set");
        }
        return uri;
    }

    private EllipticCurveJsonWebKey fetch(String property, Optional<String> configured, boolean privateKey) {
        String value = configured.orElseThrow(() -> new ServiceFaultException(
                ErrorCode.NOT_CONFIGURED, property + " is not set: no attested key for this operation"));
        // keyed by property too: the same resource named as recipient and as seal input key is checked as both
        String cacheKey = property + " " + value;
        EllipticCurveJsonWebKey cached = fetched.getIfPresent(cacheKey);
        if (cached != null) {
            return cached;
        }
        byte[] bytes = bytes(property, value);
        EllipticCurveJsonWebKey key;
        try {
            key = parse(property, new String(bytes, StandardCharsets.UTF_8), privateKey);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
        fetched.put(cacheKey, key);
        return key;
    }

    /** The KBS resource's bytes, through the guest's resource API. */
    private byte[] bytes(String property, String value) {
        Kid.ResourceUri uri = resourceUri(property, value);
        if (resources == null) {
            throw new ServiceFaultException(
                    ErrorCode.NOT_CONFIGURED,
                    property + " needs the guest's resource API (sealed-secret.verification.kbs-resource-url)");
        }
        try {
            return resources.fetch(uri);
        } catch (SealerException e) {
            throw unavailable(property, "GET " + uri.resourcePath() + ": " + e.logMessage(), e);
        }
    }

    private static EllipticCurveJsonWebKey parse(String property, String json, boolean privateKey) {
        JsonWebKey parsed;
        try {
            parsed = JsonWebKey.Factory.newJwk(json);
        } catch (Exception e) {
            throw unavailable(property, "the KBS resource is not a JWK", null);
        }
        if (!(parsed instanceof EllipticCurveJsonWebKey ec) || !CURVES.contains(ec.getCurveName())) {
            throw unavailable(property, "the KBS resource is not an EC JWK on P-256, P-384 or P-521", null);
        }
        if (privateKey && ec.getPrivateKey() == null) {
            throw unavailable(property, "the KBS resource holds no private part ('d')", null);
        }
        if (!privateKey && ec.getPrivateKey() != null) {
            throw unavailable(
                    property,
                    "the KBS resource holds a private part ('d'): publish only the recipient's public half",
                    null);
        }
        return ec;
    }

    private static ServiceFaultException unavailable(String property, String detail, Throwable cause) {
        return new ServiceFaultException(
                ErrorCode.ATTESTED_KEY_UNAVAILABLE,
                "the key named by " + property + " cannot be had from KBS through the guest's resource API",
                detail,
                cause);
    }
}
