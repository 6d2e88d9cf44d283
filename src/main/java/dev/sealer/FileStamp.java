package dev.sealer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A cheap token that changes when a file changes: modification time, size and file identity (a file
 * replaced by an atomic rename has a new identity even with the same time and size). Reads no content.
 */
public final class FileStamp {

    /** The stamp of a file that does not exist or cannot be read. */
    public static final String ABSENT = "absent";

    private FileStamp() {}

    public static String of(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return attributes.lastModifiedTime().toMillis() + ":" + attributes.size() + ":" + attributes.fileKey();
        } catch (IOException e) {
            return ABSENT;
        }
    }
}
