package dev.sealer.secret;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;

/**
 * Resolves kids as the CDH does: a KBS resource URI through the configured resource source (the
 * guest's resource API, a local folder mirroring KBS resources, or the CDH's offline resource file), any other
 * kid as a file under the verification-key folder. Keys fetched over the network are cached, bounded by count
 * and age ({@code 0}: not cached, fetched for every secret, as the CDH fetches them: guest-components 8246e5e,
 * {@code hub/src/secret/mod.rs} {@code get_kid}); a fetch failure is not cached.
 */
public final class KidResolver implements VerificationKeys {

    private static final int MAX_FETCHED_KEYS = 64;

    private final KeyFolder files;
    private final KeyFolder resourceFolder;
    private final OfflineResourceFile resourceFile;
    private final KbsResources resourceApi;
    private final Cache<String, ECPublicKey> fetched;

    private KidResolver(Path keyFolder, Path resourceFolder, KbsResources resourceApi, Duration maxAge, Ticker ticker) {
        this.files = new KeyFolder(keyFolder);
        boolean file = resourceFolder != null && Files.isRegularFile(resourceFolder);
        this.resourceFolder = resourceFolder == null || file ? null : new KeyFolder(resourceFolder);
        this.resourceFile = file ? new OfflineResourceFile(resourceFolder) : null;
        this.resourceApi = resourceApi;
        this.fetched = maxAge.isZero()
                ? null
                : Caffeine.newBuilder()
                        .maximumSize(MAX_FETCHED_KEYS)
                        .expireAfterWrite(maxAge)
                        .ticker(ticker)
                        .build();
    }

    /** File kids only: URI kids are unknown. */
    public static KidResolver files(Path keyFolder) {
        return new KidResolver(keyFolder, null, null, Duration.ofMinutes(5), Ticker.systemTicker());
    }

    /**
     * File kids, and URI kids from a local folder mirroring KBS resources ({@code <folder>/<repo>/<type>/<tag>}),
     * or, when {@code resourceFolder} is a regular file, from the CDH's offline resource file ({@link
     * OfflineResourceFile}).
     */
    public static KidResolver withResourceFolder(Path keyFolder, Path resourceFolder) {
        return new KidResolver(keyFolder, resourceFolder, null, Duration.ofMinutes(5), Ticker.systemTicker());
    }

    /** File kids, and URI kids fetched from a KBS resource source, cached up to {@code maxAge}. */
    public static KidResolver withResourceApi(Path keyFolder, KbsResources api, Duration maxAge, Ticker ticker) {
        return new KidResolver(keyFolder, null, api, maxAge, ticker);
    }

    @Override
    public ECPublicKey find(Kid kid) {
        if (kid instanceof Kid.ResourceUri uri) {
            return fromResource(uri);
        }
        return files.find(kid.value(), kid.value());
    }

    private ECPublicKey fromResource(Kid.ResourceUri uri) {
        if (resourceFile != null) {
            if (!uri.plugin().equals("resource")) {
                throw KeyFolder.unknown(uri.value() + " (the offline resource file holds only the 'resource' plugin)");
            }
            return resourceFile.find(uri);
        }
        if (resourceFolder != null) {
            if (!uri.plugin().equals("resource")) {
                throw KeyFolder.unknown(
                        uri.value() + " (the local KBS resource folder holds only the 'resource' plugin)");
            }
            return resourceFolder.find(uri.resourcePath(), uri.value());
        }
        if (resourceApi == null) {
            throw KeyFolder.unknown(uri.value() + " (no KBS resource source is configured: set "
                    + "sealed-secret.verification.kbs-resource-url or kbs-resource-dir)");
        }
        String key = uri.plugin() + ":" + uri.resourcePath();
        ECPublicKey cached = fetched == null ? null : fetched.getIfPresent(key);
        if (cached != null) {
            return cached;
        }
        byte[] jwk = resourceApi.fetch(uri);
        ECPublicKey parsed =
                SigningKey.parsePublicJwk(new String(jwk, StandardCharsets.UTF_8), "KBS resource " + uri.value());
        if (fetched != null) {
            fetched.put(key, parsed);
        }
        return parsed;
    }

    /**
     * Writes the public JWK of a generated development key where this resolver will find it: the key
     * folder for a file kid, the local KBS resource folder for a URI kid.
     *
     * @return false when there is no such place here (a URI kid resolved by the guest's resource API):
     *     the key must then be published as a KBS resource
     */
    public boolean install(Kid kid, String publicJwk) {
        if (kid instanceof Kid.ResourceUri uri) {
            if (resourceFolder == null) {
                return false;
            }
            resourceFolder.write(uri.resourcePath(), publicJwk);
        } else {
            files.write(kid.value(), publicJwk);
        }
        return true;
    }
}
