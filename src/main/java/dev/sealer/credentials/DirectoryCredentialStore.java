package dev.sealer.credentials;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * The CDH's layout: one directory holding {@code clientKey_<id>.json}, {@code password_<id>.json}
 * and {@code PrivateKmsCA_<instance>.pem} for any number of client keys and instances. The user
 * mode names the directory; the TEE mode uses {@code /run/confidential-containers/cdh/kms-credential/aliyun}.
 */
public final class DirectoryCredentialStore implements CredentialStore {

    private final Path directory;

    public DirectoryCredentialStore(Path directory) {
        this.directory = directory.toAbsolutePath().normalize();
    }

    public Path directory() {
        return directory;
    }

    @Override
    public KmsCredentials load(String instanceId, String clientKeyId) {
        // Names first: they validate both ids before any file is touched.
        Path clientKeyFile = directory.resolve(CredentialFiles.clientKeyFileName(clientKeyId));
        Path passwordFile = directory.resolve(CredentialFiles.passwordFileName(clientKeyId));
        Path caFile = directory.resolve(CredentialFiles.caFileName(instanceId));
        ClientKey clientKey = CredentialFiles.parseClientKey(CredentialFiles.read(clientKeyFile),
                CredentialFiles.read(passwordFile), clientKeyId, clientKeyFile.getFileName().toString());
        return new KmsCredentials(instanceId, clientKey,
                CredentialFiles.parseCertificates(CredentialFiles.read(caFile), caFile.getFileName().toString()));
    }

    @Override
    public Object version(String instanceId, String clientKeyId) {
        return List.of(
                stamp(directory.resolve(CredentialFiles.clientKeyFileName(clientKeyId))),
                stamp(directory.resolve(CredentialFiles.passwordFileName(clientKeyId))),
                stamp(directory.resolve(CredentialFiles.caFileName(instanceId))));
    }

    @Override
    public String describe() {
        return "directory " + directory;
    }

    static String stamp(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return attributes.lastModifiedTime().toMillis() + ":" + attributes.size() + ":" + attributes.fileKey();
        } catch (IOException e) {
            return "absent";
        }
    }
}
