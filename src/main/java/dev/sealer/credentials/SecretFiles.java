package dev.sealer.credentials;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes a file atomically (a temporary file in the same folder, then a rename), so that a reader never sees half
 * of it: owner-read/write only for a file that holds a secret (a generated signing key, a client key), readable by
 * all for a public one (a CA bundle). The content is not logged; a failure names the file only.
 */
public final class SecretFiles {

    private SecretFiles() {}

    /** Writes a file that holds a secret: owner-read/write only. */
    public static void writeOwnerOnly(Path file, byte[] content) {
        write(file, content, true);
    }

    /** Writes a public file: readable by all. */
    public static void writePublic(Path file, byte[] content) {
        write(file, content, false);
    }

    private static void write(Path file, byte[] content, boolean ownerOnly) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path temporary = Files.createTempFile(file.toAbsolutePath().getParent(), ".tmp-", ".part");
            try {
                try {
                    Files.setPosixFilePermissions(
                            temporary, PosixFilePermissions.fromString(ownerOnly ? "rw-------" : "rw-r--r--"));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system: keep the default permissions
                }
                Files.write(temporary, content);
                try {
                    Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
