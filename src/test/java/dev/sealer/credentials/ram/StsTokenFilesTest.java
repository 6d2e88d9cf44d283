package dev.sealer.credentials.ram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.sealer.ErrorCode;
import dev.sealer.SealerException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Token files of the sts_token client type: the AK:SK:STS format, and reads confined to one folder. */
class StsTokenFilesTest {

    private static final String SECRET = "SkOfTheTokenFile0123";
    private static final String TOKEN = "CAIS+tokenOfTheFile/0123==";

    @TempDir
    Path root;

    private Path folder;
    private StsTokenFiles files;

    @BeforeEach
    void setUp() throws IOException {
        folder = Files.createDirectories(root.resolve("tokens"));
        files = new StsTokenFiles(folder);
    }

    @Test
    void threeParts_areAccessKeyIdSecretAndToken_relativeOrAbsolute() throws IOException {
        write("sub/token", "STS.id:" + SECRET + ":" + TOKEN + "\n");
        RamCredentials relative = files.source("sub/token").credentials();
        assertThat(relative.accessKeyId()).isEqualTo("STS.id");
        assertThat(relative.accessKeySecret()).isEqualTo(SECRET);
        assertThat(relative.securityToken()).isEqualTo(TOKEN);
        assertThat(relative.toString()).doesNotContain(SECRET).doesNotContain(TOKEN);
        assertThat(files.source(folder.resolve("sub/token").toString())
                        .credentials()
                        .accessKeyId())
                .isEqualTo("STS.id");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "STS.id:" + SECRET,
                "STS.id:" + SECRET + ":" + TOKEN + ":extra",
                "just-one-part",
                "::",
                "id:secret:to ken"
            })
    void otherContent_isCredentialsInvalid_withoutShowingIt(String content) throws IOException {
        write("token", content);
        SealerException e = catchThrowableOfType(
                SealerException.class, () -> files.source("token").credentials());
        assertThat(e.errorCode()).isEqualTo(ErrorCode.CREDENTIALS_INVALID);
        assertThat(e.logMessage()).doesNotContain(SECRET).doesNotContain(TOKEN).doesNotContain("extra");
        assertThat(e.getMessage()).doesNotContain(folder.toString());
    }

    @Test
    void everyFileThatIsNoTokenFile_getsTheSameMessage() throws IOException {
        write("two", "a:b");
        write("four", "a:b:c:d");
        write("space", "a:b c:d");
        write("big", "a:b:" + "c".repeat(20_000));
        Files.write(folder.resolve("latin1"), new byte[] {'a', ':', 'b', ':', (byte) 0xe9}); // not UTF-8
        java.util.Set<String> messages = new java.util.HashSet<>();
        for (String name : new String[] {"two", "four", "space", "big", "latin1"}) {
            SealerException e = catchThrowableOfType(
                    SealerException.class, () -> files.source(name).credentials());
            assertThat(e.errorCode()).as(name).isEqualTo(ErrorCode.CREDENTIALS_INVALID);
            messages.add(e.getMessage());
        }
        assertThat(messages).as("nothing of a file's shape in an answer").hasSize(1);
        assertThat(catchThrowableOfType(
                                SealerException.class, () -> files.source("two").credentials())
                        .logMessage())
                .as("the log says which check failed")
                .contains("2 parts");
    }

    @Test
    void credentialFileNames_areRefused_evenInsideTheFolder_andThroughLinks() throws IOException {
        write("clientKey_KAAP.x.json", "a:b:c");
        write("password_KAAP.x.json", "a:b:c");
        write("PrivateKmsCA_kst-x.pem", "a:b:c");
        write("ecsRamRole.json", "a:b:c");
        write("sub/CLIENTKEY_KAAP.Y.JSON", "a:b:c");
        Files.writeString(root.resolve("clientKey_KAAP.z.json"), "a:b:c");
        Files.createSymbolicLink(folder.resolve("link"), folder.resolve("clientKey_KAAP.x.json"));
        for (String path : new String[] {
            "clientKey_KAAP.x.json",
            "password_KAAP.x.json",
            "PrivateKmsCA_kst-x.pem",
            "ecsRamRole.json",
            "sub/CLIENTKEY_KAAP.Y.JSON",
            "link",
            "../clientKey_KAAP.z.json"
        }) {
            SealerException e = catchThrowableOfType(
                    SealerException.class, () -> files.source(path).credentials());
            assertThat(e.errorCode()).as(path).isEqualTo(ErrorCode.INVALID_ID);
            assertThat(e.getMessage()).as(path).contains("token_path").doesNotContain(root.toString());
        }
    }

    @Test
    void missingFile_isCredentialsNotFound() {
        SealerException e = catchThrowableOfType(
                SealerException.class, () -> files.source("nope").credentials());
        assertThat(e.errorCode()).isEqualTo(ErrorCode.CREDENTIALS_NOT_FOUND);
        assertThat(e.getMessage()).doesNotContain(folder.toString());
    }

    @Test
    void pathsOutsideTheFolder_areInvalidId_evenWhenTheFileExists() throws IOException {
        Files.writeString(root.resolve("outside"), "a:b:c");
        for (String path :
                new String[] {"../outside", root.resolve("outside").toString(), "sub/../../outside", ".", "/etc/passwd"
                }) {
            SealerException e = catchThrowableOfType(
                    SealerException.class, () -> files.source(path).credentials());
            assertThat(e.errorCode()).as(path).isEqualTo(ErrorCode.INVALID_ID);
            assertThat(e.getMessage()).as(path).contains("token_path").doesNotContain(root.toString());
        }
    }

    @Test
    void symlinkLeavingTheFolder_isInvalidId() throws IOException {
        Files.writeString(root.resolve("outside"), "a:b:c");
        Files.createSymbolicLink(folder.resolve("link"), root.resolve("outside"));
        Files.createSymbolicLink(folder.resolve("dirlink"), root);
        assertThat(catchThrowableOfType(
                                SealerException.class,
                                () -> files.source("link").credentials())
                        .errorCode())
                .isEqualTo(ErrorCode.INVALID_ID);
        assertThat(catchThrowableOfType(
                                SealerException.class,
                                () -> files.source("dirlink/outside").credentials())
                        .errorCode())
                .isEqualTo(ErrorCode.INVALID_ID);
    }

    @Test
    void symlinkInsideTheFolder_isFollowed() throws IOException {
        write("real", "STS.id:s:t");
        Files.createSymbolicLink(folder.resolve("alias"), folder.resolve("real"));
        assertThat(files.source("alias").credentials().accessKeyId()).isEqualTo("STS.id");
    }

    @Test
    void malformedPaths_areRefusedBeforeAnyRead() {
        for (String path : new String[] {"", "a\u0000b", "a\nb", "x".repeat(1025)}) {
            assertThat(catchThrowableOfType(SealerException.class, () -> files.source(path))
                            .errorCode())
                    .isEqualTo(ErrorCode.INVALID_ID);
        }
    }

    @Test
    void hugeFile_isCredentialsInvalid() throws IOException {
        write("big", "a:b:" + "c".repeat(20_000));
        assertThat(catchThrowableOfType(
                                SealerException.class, () -> files.source("big").credentials())
                        .errorCode())
                .isEqualTo(ErrorCode.CREDENTIALS_INVALID);
    }

    private void write(String name, String content) throws IOException {
        Path file = folder.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }
}
