package dev.sealer.secret;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sealer.ErrorCode;
import dev.sealer.Json;
import dev.sealer.ServiceFaultException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;

/**
 * The JWK Set (RFC 7517, section 5) that verifies what this service signs: the public half of the current
 * signing key under its kid, then the other public keys configured for a rotation window, each under the kid
 * it signs (or signed) with. Each member holds {@code kty} EC, {@code crv} P-256, {@code x}, {@code y},
 * {@code kid}, {@code alg} ES256 and {@code use} sig: exactly what a stock CDH reads as the KBS resource its kid
 * names (it ignores {@code kid}, {@code alg} and {@code use}).
 *
 * <p>Public by construction: every member is rebuilt from an EC public point alone and written with jose4j's
 * public-only output, so no private member of any input can reach the set; a rotation key given with its
 * private part {@code d} is refused rather than stripped (a private key does not belong in that list). Built
 * once; immutable.
 */
public final class PublishedKeys {

    /** A public key and the kid it verifies. */
    public record Entry(Kid kid, ECPublicKey key) {}

    private final List<Entry> entries;
    private final byte[] json;

    private PublishedKeys(List<Entry> entries) {
        this.entries = List.copyOf(entries);
        List<JsonWebKey> jwks = new ArrayList<>();
        for (Entry entry : entries) {
            EllipticCurveJsonWebKey jwk = new EllipticCurveJsonWebKey(entry.key());
            jwk.setKeyId(entry.kid().value());
            jwk.setAlgorithm("ES256");
            jwk.setUse("sig");
            jwks.add(jwk);
        }
        this.json = new JsonWebKeySet(jwks)
                .toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY)
                .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * @param current the current signing key's public half; empty when this instance only unseals
     * @param others the other keys of the rotation window, in the order they are published
     * @throws ServiceFaultException {@code NOT_CONFIGURED} when a kid appears twice
     */
    public static PublishedKeys of(Optional<Entry> current, List<Entry> others) {
        List<Entry> all = new ArrayList<>();
        current.ifPresent(all::add);
        all.addAll(others);
        Set<String> kids = new HashSet<>();
        for (Entry entry : all) {
            if (!kids.add(entry.kid().value())) {
                throw new ServiceFaultException(
                        ErrorCode.NOT_CONFIGURED,
                        "sealed-secret.signing.previous-public-keys: the kid '"
                                + entry.kid().value()
                                + "' is published twice (once as the current signing key, or in two files)");
            }
        }
        return new PublishedKeys(all);
    }

    /**
     * Reads one key of the rotation window: a public P-256 JWK whose own {@code kid} member names the kid it
     * verifies (the CDH's {@code secret keygen --kid} writes it so).
     *
     * @param origin where it came from, for the log
     * @throws ServiceFaultException {@code NOT_CONFIGURED}: not a P-256 JWK, no string {@code kid} or one that is
     *     no kid, or a private part present
     */
    public static Entry parseRotationKey(String json, String origin) {
        JsonNode node;
        try {
            node = Json.STRICT.readTree(json);
        } catch (IOException e) {
            throw notConfigured("a rotation key is not JSON", origin);
        }
        if (node == null || !node.isObject()) {
            throw notConfigured("a rotation key is not a JSON object", origin);
        }
        if (node.has("d") || node.has("p") || node.has("q") || node.has("k")) {
            throw notConfigured("a rotation key holds a private part: give only its public half (no 'd')", origin);
        }
        JsonNode kid = node.get("kid");
        if (kid == null || !kid.isTextual() || kid.textValue().isEmpty()) {
            throw notConfigured(
                    "a rotation key has no 'kid': set it to the kid that key signs with (e.g. kbs:///<repo>/<type>/<tag>)",
                    origin);
        }
        Kid parsed;
        try {
            parsed = Kid.parse(kid.textValue());
        } catch (RuntimeException e) {
            throw notConfigured("a rotation key's 'kid' is not a kid this service accepts", origin);
        }
        try {
            return new Entry(parsed, SigningKey.parsePublicJwk(json, origin));
        } catch (ServiceFaultException e) {
            throw notConfigured(e.getMessage(), origin);
        }
    }

    /** The kids, in the order they are published. */
    public List<String> kids() {
        return entries.stream().map(entry -> entry.kid().value()).toList();
    }

    /** The JWK Set document, {@code {"keys": [...]}} (a fresh copy). */
    public byte[] json() {
        return json.clone();
    }

    private static ServiceFaultException notConfigured(String message, String origin) {
        return new ServiceFaultException(
                ErrorCode.NOT_CONFIGURED, "sealed-secret.signing.previous-public-keys: " + message, origin, null);
    }
}
