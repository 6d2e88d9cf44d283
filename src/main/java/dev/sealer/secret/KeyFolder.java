package dev.sealer.secret;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.sealer.CallerFaultException;
import dev.sealer.ErrorCode;
import dev.sealer.FileStamp;
import dev.sealer.ServiceFaultException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.interfaces.ECPublicKey;

/**
 * A folder of public JWKs read by relative path: the CDH's layout for file kids (one file per kid,
 * sub-folders allowed, {@code /run/confidential-containers/cdh/sealed-secret/} inside a TEE), and the
 * local mirror of KBS resources ({@code <folder>/<repo>/<type>/<tag>}). The path must stay inside the
 * folder once {@code ..} and symbolic links are resolved, as the CDH requires.
 *
 * <p>Keys are cached by canonical path and re-read when their file changes; the cache is bounded, and
 * names that resolve to no file are not cached, so random kids cannot fill memory.
 */
final class KeyFolder {

    private static final int MAX_JWK_BYTES = 64 * 1024;
    private static final int MAX_CACHED_KEYS = 256;

    private record Cached(String stamp, ECPublicKey key) {}

    private final Path folder;
    private final Cache<Path, Cached> cache =
            Caffeine.newBuilder().maximumSize(MAX_CACHED_KEYS).build();

    KeyFolder(Path folder) {
        this.folder = folder.toAbsolutePath().normalize();
    }

    Path folder() {
        return folder;
    }

    /**
     * @param relative a relative path (already checked for form)
     * @param kid the kid, for messages
     */
    ECPublicKey find(String relative, String kid) {
        Path base;
        Path file;
        try {
            base = folder.toRealPath();
            file = base.resolve(relative).toRealPath();
        } catch (NoSuchFileException e) {
            throw unknown(kid);
        } catch (IOException e) {
            throw unknown(kid);
        }
        if (!file.startsWith(base) || file.equals(base) || !Files.isRegularFile(file)) {
            throw unknown(kid);
        }
        String stamp = FileStamp.of(file);
        Cached cached = cache.getIfPresent(file);
        if (cached != null && cached.stamp.equals(stamp)) {
            return cached.key;
        }
        ECPublicKey key = SigningKey.parsePublicJwk(read(file), "verification key " + file);
        cache.put(file, new Cached(stamp, key));
        return key;
    }

    /** Writes a public JWK under a relative path (development key generation only). */
    void write(String relative, String jwk) {
        Path file = folder.resolve(relative).normalize();
        if (!file.startsWith(folder)) {
            throw new IllegalArgumentException("a key path must stay inside its folder");
        }
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, jwk, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ServiceFaultException(
                    ErrorCode.NOT_CONFIGURED, "cannot write a verification key", file.toString(), e);
        }
    }

    private static String read(Path file) {
        try {
            if (Files.size(file) > MAX_JWK_BYTES) {
                throw new ServiceFaultException(
                        ErrorCode.NOT_CONFIGURED, "a verification key file is too large", file.toString(), null);
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ServiceFaultException(
                    ErrorCode.NOT_CONFIGURED, "a verification key cannot be read", file.toString(), e);
        }
    }

    static CallerFaultException unknown(String kid) {
        return new CallerFaultException(
                ErrorCode.UNKNOWN_KID, "no verification key for the sealed secret's kid", "kid " + kid, null);
    }
}
