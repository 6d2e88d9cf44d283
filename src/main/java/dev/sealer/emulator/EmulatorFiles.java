package dev.sealer.emulator;

import dev.sealer.credentials.ClientKey;
import dev.sealer.credentials.CredentialFiles;
import dev.sealer.credentials.ram.StsTokenFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The files the emulator writes into its folder at each start, in the real formats: the instance's CA
 * bundle, its client key and password file, {@code ecsRamRole.json} and its {@code sts_token} file.
 * It never overwrites a credential file it did not write.
 */
final class EmulatorFiles {

    /**
     * The {@code sts_token} file the emulator writes at each start ({@code AK:SK:STS}), in the token folder
     * the service uses by default when the emulator's folder is its credential folder.
     */
    static final String TOKEN_FILE = "emulator-sts-token";

    private EmulatorFiles() {}

    /**
     * Writes the files a client needs, unless they are there already. A file of the same name that the
     * emulator did not write (it does not match its state) is never overwritten: the start fails, so
     * that a real client key or CA can never be replaced by the emulator's.
     */
    static void writeCredentialFiles(Path directory, String instanceId, EmulatorState state, ClientKey ownKey) {
        List<java.security.cert.X509Certificate> bundle = List.of(
                state.rootCa().issued().certificate(), state.subCa().issued().certificate());
        Path caFile = directory.resolve(CredentialFiles.caFileName(instanceId));
        if (!Files.exists(caFile)) {
            CredentialWriter.writeCaBundle(directory, instanceId, bundle);
        } else if (!CredentialWriter.pem(bundle.toArray()).equals(readOrNull(caFile))) {
            throw notOurs(caFile);
        }
        Path clientKeyFile = directory.resolve(CredentialFiles.clientKeyFileName(ownKey.id()));
        Path passwordFile = directory.resolve(CredentialFiles.passwordFileName(ownKey.id()));
        if (!Files.exists(clientKeyFile) && !Files.exists(passwordFile)) {
            CredentialWriter.writeClientKey(
                    directory,
                    ownKey.id(),
                    ownKey.privateKey(),
                    ownKey.certificate(),
                    state.clientKeyPassword().toCharArray(),
                    CredentialWriter.PasswordFormat.BARE);
        } else if (!(state.clientKeyPassword() + "\n").equals(readOrNull(passwordFile))) {
            throw notOurs(passwordFile);
        } else if (!matches(clientKeyFile, ownKey, state.clientKeyPassword())) {
            throw notOurs(clientKeyFile);
        }
    }

    /**
     * {@code ecsRamRole.json} naming the emulator's role and region (unless the folder has one), and a
     * fresh {@link #TOKEN_FILE} of credentials valid for the configured time: so that dev mode can open
     * {@code ecs_ram_role} and {@code sts_token} vault secrets without set-up.
     */
    static void writeRamFiles(
            Path directory, String roleName, String regionId, Duration tokenFileTtl, EmulatorRoles roles) {
        Path roleFile = directory.resolve("ecsRamRole.json");
        if (!Files.exists(roleFile)) {
            CredentialWriter.writeSecretFile(
                    roleFile,
                    ("{\"ecs_ram_role_name\": \"" + roleName + "\", \"region_id\": \"" + regionId + "\"}\n")
                            .getBytes(StandardCharsets.UTF_8));
        }
        CredentialWriter.writeSecretFile(
                directory.resolve(StsTokenFiles.DEFAULT_FOLDER).resolve(TOKEN_FILE),
                roles.issue(tokenFileTtl).tokenFile().getBytes(StandardCharsets.UTF_8));
    }

    private static String readOrNull(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private static IllegalStateException notOurs(Path file) {
        return new IllegalStateException(
                "the KMS emulator will not overwrite " + file + ": it did not write it (it does "
                        + "not match the emulator's state). Give the emulator a folder of its own (aliyun.kms.emulator.directory)");
    }

    private static boolean matches(Path clientKeyFile, ClientKey ownKey, String password) {
        try {
            return CredentialFiles.parseClientKey(
                            CredentialFiles.read(clientKeyFile),
                            (password + "\n").getBytes(StandardCharsets.UTF_8),
                            ownKey.id(),
                            "emulator client key")
                    .certificate()
                    .equals(ownKey.certificate());
        } catch (RuntimeException e) {
            return false;
        }
    }
}
