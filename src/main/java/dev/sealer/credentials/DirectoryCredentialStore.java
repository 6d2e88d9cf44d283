package dev.sealer.credentials;

import dev.sealer.FileStamp;
import java.nio.file.Path;
import java.util.List;

/**
 * The CDH's layout: one directory holding {@code clientKey_<id>.json}, {@code password_<id>.json}
 * and {@code PrivateKmsCA_<instance>.pem} for any number of client keys and instances. The user
 * mode names the directory; the TEE mode uses the CDH's credential folder.
 */
public final class DirectoryCredentialStore implements CredentialStore {

    private final Path directory;

    public DirectoryCredentialStore(Path directory) {
        this.directory = directory.toAbsolutePath().normalize();
    }

    @Override
    public KmsCredentials load(String instanceId, String clientKeyId) {
        // Names first: they validate both ids before any file is touched.
        Path clientKeyFile = directory.resolve(CredentialFiles.clientKeyFileName(clientKeyId));
        Path passwordFile = directory.resolve(CredentialFiles.passwordFileName(clientKeyId));
        Path caFile = directory.resolve(CredentialFiles.caFileName(instanceId));
        ClientKey clientKey = CredentialFiles.parseClientKey(
                CredentialFiles.read(clientKeyFile),
                CredentialFiles.read(passwordFile),
                clientKeyId,
                clientKeyFile.toString());
        return new KmsCredentials(
                instanceId,
                clientKey,
                CredentialFiles.parseCertificates(CredentialFiles.read(caFile), caFile.toString()));
    }

    @Override
    public Object version(String instanceId, String clientKeyId) {
        return List.of(
                FileStamp.of(directory.resolve(CredentialFiles.clientKeyFileName(clientKeyId))),
                FileStamp.of(directory.resolve(CredentialFiles.passwordFileName(clientKeyId))),
                FileStamp.of(directory.resolve(CredentialFiles.caFileName(instanceId))));
    }

    @Override
    public String describe() {
        return "directory " + directory;
    }
}
