package dev.sealer.kms.aliyun;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sealer.testsupport.ApplicationConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the {@code tee} profile reads client-key credentials, as the CDH does since 2026-02: its new
 * folder by default, its variable {@code ALIYUN_IN_GUEST_KEY_PATH} when set, and the pre-2026 folder
 * when only that one exists. Read from the application's real configuration (profile, mappings).
 */
class TeeCredentialFolderTest {

    private static final Path NEW_FOLDER = Path.of("/run/confidential-containers/cdh/kbs/kms-credential/aliyun");
    private static final Path OLD_FOLDER = Path.of("/run/confidential-containers/cdh/kms-credential/aliyun");

    @TempDir
    Path temp;

    private static AliyunKmsConfig tee(Map<String, String> extra) {
        return ApplicationConfig.build("tee", extra).getConfigMapping(AliyunKmsConfig.class);
    }

    @Test
    void tee_defaultsToTheCdhsFolderSince2026_andKnowsThePreviousOne() {
        AliyunKmsConfig config = tee(Map.of());

        assertThat(config.credentialDir()).contains(NEW_FOLDER);
        assertThat(config.legacyCredentialDir()).contains(OLD_FOLDER);
    }

    @Test
    void tee_honoursTheCdhsVariable() {
        assertThat(tee(Map.of("ALIYUN_IN_GUEST_KEY_PATH", "/opt/cdh-keys")).credentialDir())
                .contains(Path.of("/opt/cdh-keys"));
    }

    @Test
    void ourOwnVariable_stillWinsOverTheProfile() {
        assertThat(tee(Map.of("aliyun.kms.credential-dir", "/explicit")).credentialDir())
                .contains(Path.of("/explicit"));
    }

    @Test
    void onlyTheLegacyFolderExists_itIsUsed() throws Exception {
        Path legacy = Files.createDirectories(temp.resolve("old"));
        AliyunKmsConfig config = tee(Map.of(
                "aliyun.kms.credential-dir",
                temp.resolve("new").toString(),
                "aliyun.kms.legacy-credential-dir",
                legacy.toString()));

        assertThat(CredentialSources.folder(config)).contains(legacy);
    }

    @Test
    void bothFoldersExist_theNewOneWins() throws Exception {
        Path current = Files.createDirectories(temp.resolve("new"));
        Files.createDirectories(temp.resolve("old"));
        AliyunKmsConfig config = tee(Map.of(
                "aliyun.kms.credential-dir",
                current.toString(),
                "aliyun.kms.legacy-credential-dir",
                temp.resolve("old").toString()));

        assertThat(CredentialSources.folder(config)).contains(current);
    }

    @Test
    void neitherFolderExists_theNewOneIsReported() {
        AliyunKmsConfig config = tee(Map.of(
                "aliyun.kms.credential-dir",
                temp.resolve("new").toString(),
                "aliyun.kms.legacy-credential-dir",
                temp.resolve("old").toString()));

        assertThat(CredentialSources.folder(config)).contains(temp.resolve("new"));
    }

    @Test
    void tee_resolvesUriKidsThroughTheGuestResourceApi() {
        assertThat(ApplicationConfig.build("tee", Map.of())
                        .getValue("sealed-secret.verification.kbs-resource-url", String.class))
                .isEqualTo("http://127.0.0.1:8006/cdh/resource");
    }
}
