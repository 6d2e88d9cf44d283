package dev.sealer.functions;

import dev.sealer.ErrorCode;
import dev.sealer.SealerException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * The optional bearer token that guards every entry point ({@code sealer.api-token}, or a file
 * named by {@code sealer.api-token-file}, re-read when it changes). Only a SHA-256 digest of the
 * token is kept; candidates are compared digest to digest in constant time, so neither content nor
 * length leaks through timing.
 */
@ApplicationScoped
public class ApiToken {

    private record FileToken(String stamp, byte[] digest) {
    }

    @Inject
    SealerConfig config;

    private volatile FileToken fileToken;

    /** True when a token is configured, i.e. requests must carry it. */
    public boolean required() {
        return config.apiToken().isPresent() || config.apiTokenFile().isPresent();
    }

    /**
     * @param authorization the request's {@code Authorization} header (may be null)
     * @return true when no token is configured, or the header is {@code Bearer <the token>}
     */
    public boolean accepts(String authorization) {
        Optional<byte[]> expected = expectedDigest();
        if (expected.isEmpty()) {
            return !required();
        }
        String presented = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).trim() : "";
        return MessageDigest.isEqual(sha256(presented), expected.get()) && !presented.isEmpty();
    }

    private Optional<byte[]> expectedDigest() {
        if (config.apiToken().isPresent()) {
            return Optional.of(sha256(config.apiToken().get().trim()));
        }
        if (config.apiTokenFile().isEmpty()) {
            return Optional.empty();
        }
        Path file = config.apiTokenFile().get();
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            String stamp = attributes.lastModifiedTime().toMillis() + ":" + attributes.size() + ":" + attributes.fileKey();
            FileToken current = fileToken;
            if (current == null || !current.stamp.equals(stamp)) {
                String token = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (token.isEmpty()) {
                    throw new SealerException(ErrorCode.NOT_CONFIGURED, "the API token file " + file + " is empty");
                }
                current = new FileToken(stamp, sha256(token));
                fileToken = current;
            }
            return Optional.of(current.digest);
        } catch (IOException e) {
            // Fail closed: a configured but unreadable token file lets nobody in.
            return Optional.empty();
        }
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
