package dev.sealer.secret;

import dev.sealer.ErrorCode;
import dev.sealer.SafeIds;
import dev.sealer.SealerException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.interfaces.ECPublicKey;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The CDH's layout for verification keys: one public JWK per file, the file named by its kid, in
 * one directory ({@code /run/confidential-containers/cdh/sealed-secret/} inside a TEE). Keys are
 * cached and re-read when their file changes; kids that name no file are not cached, so random
 * kids cannot fill memory.
 */
public final class DirectoryVerificationKeys implements VerificationKeys {

    private static final int MAX_JWK_BYTES = 64 * 1024;

    private record Cached(String stamp, ECPublicKey key) {
    }

    private final Path directory;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

    public DirectoryVerificationKeys(Path directory) {
        this.directory = directory.toAbsolutePath().normalize();
    }

    public Path directory() {
        return directory;
    }

    @Override
    public ECPublicKey find(String kid) {
        Path file = directory.resolve(SafeIds.require("kid", kid));
        String stamp;
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (!attributes.isRegularFile() || attributes.size() > MAX_JWK_BYTES) {
                throw unknown(kid);
            }
            stamp = attributes.lastModifiedTime().toMillis() + ":" + attributes.size() + ":" + attributes.fileKey();
        } catch (IOException e) {
            throw unknown(kid);
        }
        Cached cached = cache.get(kid);
        if (cached != null && cached.stamp.equals(stamp)) {
            return cached.key;
        }
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw unknown(kid);
        } catch (IOException e) {
            throw new SealerException(ErrorCode.NOT_CONFIGURED, "verification key " + file + " cannot be read");
        }
        ECPublicKey key = SigningKey.parseEcJwk(json, "verification key " + file).getECPublicKey();
        cache.put(kid, new Cached(stamp, key));
        return key;
    }

    private static SealerException unknown(String kid) {
        return new SealerException(ErrorCode.UNKNOWN_KID, "no verification key for kid " + kid);
    }
}
