package dev.sealer.credentials.ram;

import dev.sealer.CallerFaultException;
import dev.sealer.ErrorCode;
import dev.sealer.ServiceFaultException;
import dev.sealer.credentials.CredentialFiles;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The token files of the {@code sts_token} client type: {@code provider_settings.token_path} names a
 * file holding {@code AccessKeyId:AccessKeySecret:SecurityToken} (exactly three parts split on
 * {@code :}, as the CDH reads it; one trailing line break is ignored). Re-read on every call, so a
 * replaced file takes effect at once.
 *
 * <p>{@code token_path} comes from a signed payload, and whoever may seal chooses it. So it only ever
 * reads files inside one folder of its own (by default {@value #DEFAULT_FOLDER} inside the credential
 * folder, never the credential folder itself): the path (relative paths are taken from the folder) must
 * stay inside it after {@code ..} are resolved, and again after symbolic links are; and it may not name
 * a credential file ({@code clientKey_*.json}, {@code password_*.json}, {@code PrivateKmsCA_*.pem},
 * {@code ecsRamRole.json}), not even through a link, so that no other secret is ever sent as a token.
 * The file is at most 16 KB. Its content is secret: no message or log shows it, nor the path (the log
 * detail names the path), and every way a file can fail to hold {@code AK:SK:STS} gets the same
 * message, so that an answer tells nothing of a file's shape.
 */
public final class StsTokenFiles {

    public static final String FIELD = "provider_settings.token_path";
    /** The token folder inside the credential folder, when {@code aliyun.kms.sts-token-dir} is not set. */
    public static final String DEFAULT_FOLDER = "sts-tokens";

    private static final int MAX_PATH = 1024;
    private static final long MAX_BYTES = 16 * 1024;

    private final Path folder;

    /** @param folder the only folder token files are read from */
    public StsTokenFiles(Path folder) {
        this.folder = folder.toAbsolutePath().normalize();
    }

    /** Checks a token path's form (seal and unseal): non-empty, printable, at most 1024 characters. */
    public static String requireWellFormed(String tokenPath) {
        if (tokenPath == null || tokenPath.isEmpty()) {
            throw new CallerFaultException(ErrorCode.INVALID_ID, "field '" + FIELD + "': missing");
        }
        if (tokenPath.length() > MAX_PATH || !tokenPath.chars().allMatch(c -> c >= 0x20 && c != 0x7f)) {
            throw new CallerFaultException(
                    ErrorCode.INVALID_ID,
                    "field '" + FIELD + "': must be a path of at most " + MAX_PATH + " printable characters");
        }
        return tokenPath;
    }

    /** The credentials of one token file, read when asked. */
    public RamCredentialSource source(String tokenPath) {
        requireWellFormed(tokenPath);
        return () -> read(tokenPath);
    }

    RamCredentials read(String tokenPath) {
        Path file = inside(tokenPath);
        requireNoCredentialFile(file, tokenPath);
        String content;
        try {
            Path real = file.toRealPath();
            if (!real.startsWith(folder.toRealPath())) {
                throw outside(tokenPath);
            }
            requireNoCredentialFile(real, tokenPath);
            if (!Files.isRegularFile(real) || Files.size(real) > MAX_BYTES) {
                throw invalid("not a regular file of at most " + MAX_BYTES + " bytes", file);
            }
            content = StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(real)))
                    .toString();
        } catch (NoSuchFileException e) {
            throw new CallerFaultException(
                    ErrorCode.CREDENTIALS_NOT_FOUND,
                    "the sts_token file named by " + FIELD + " does not exist",
                    "missing " + file,
                    null);
        } catch (CharacterCodingException e) {
            throw invalid("not UTF-8 text", file);
        } catch (IOException e) {
            throw new ServiceFaultException(
                    ErrorCode.CREDENTIALS_INVALID,
                    "the sts_token file named by " + FIELD + " cannot be read",
                    "file " + file + ": " + e.getClass().getSimpleName(),
                    null);
        }
        return parse(content, file);
    }

    /** The file a token path names, when it stays inside the folder once {@code ..} are resolved. */
    private Path inside(String tokenPath) {
        Path file;
        try {
            file = folder.resolve(tokenPath).normalize();
        } catch (InvalidPathException e) {
            throw new CallerFaultException(ErrorCode.INVALID_ID, "field '" + FIELD + "': not a valid path");
        }
        if (!file.startsWith(folder) || file.equals(folder)) {
            throw outside(tokenPath);
        }
        return file;
    }

    /** A token path may never name a credential file: it would be sent to the KMS as a token. */
    private static void requireNoCredentialFile(Path file, String tokenPath) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString();
        if (CredentialFiles.isCredentialFileName(name) || name.equalsIgnoreCase(EcsRamRoleFile.FILE_NAME)) {
            throw new CallerFaultException(
                    ErrorCode.INVALID_ID,
                    "field '" + FIELD + "': must name a token file, not a credential file",
                    "token_path " + tokenPath + " names the credential file " + file,
                    null);
        }
    }

    private CallerFaultException outside(String tokenPath) {
        return new CallerFaultException(
                ErrorCode.INVALID_ID,
                "field '" + FIELD + "': must name a file inside this service's token folder",
                "token_path " + tokenPath + " is outside " + folder,
                null);
    }

    private static RamCredentials parse(String content, Path file) {
        String text = content.endsWith("\r\n")
                ? content.substring(0, content.length() - 2)
                : content.endsWith("\n") ? content.substring(0, content.length() - 1) : content;
        String[] parts = text.split(":", -1);
        if (parts.length != 3) {
            throw invalid(parts.length + " parts instead of 3", file);
        }
        for (String part : parts) {
            if (!part.chars().allMatch(c -> c > 0x20 && c != 0x7f)) {
                throw invalid("white space or control characters inside AK:SK:STS", file);
            }
        }
        if (parts[0].isEmpty() || parts[1].isEmpty()) {
            throw invalid("an empty AccessKeyId or AccessKeySecret", file);
        }
        return new RamCredentials(parts[0], parts[1], parts[2], null);
    }

    /**
     * One message for every way a file fails to be a token file (its size, encoding, parts, characters):
     * the answer says what a token file is, not what this one holds. The log detail says which check failed.
     */
    private static ServiceFaultException invalid(String why, Path file) {
        return new ServiceFaultException(
                ErrorCode.CREDENTIALS_INVALID,
                "the sts_token file named by " + FIELD + " is not a token file: one line AccessKeyId:AccessKeySecret:"
                        + "SecurityToken of printable characters, at most " + MAX_BYTES + " bytes",
                "file " + file + ": " + why,
                null);
    }
}
