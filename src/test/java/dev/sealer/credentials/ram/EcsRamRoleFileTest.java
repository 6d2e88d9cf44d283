package dev.sealer.credentials.ram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.sealer.ErrorCode;
import dev.sealer.SealerException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** ecsRamRole.json, as the CDH reads it: role and region; errors name the file, never its folder. */
class EcsRamRoleFileTest {

    @TempDir
    Path folder;

    @Test
    void roleAndRegion_areRead_andReReadWhenTheFileChanges() throws IOException {
        Path file = write("{\"ecs_ram_role_name\": \"EcsRamRoleTest\", \"region_id\": \"cn-beijing\", \"extra\": 1}");
        EcsRamRoleFile roleFile = new EcsRamRoleFile(folder);
        assertThat(roleFile.read(true)).isEqualTo(new EcsRamRoleFile.EcsRamRole("EcsRamRoleTest", "cn-beijing"));

        Files.writeString(file, "{\"ecs_ram_role_name\": \"Other\", \"region_id\": \"cn-shanghai\"}");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(10)));
        assertThat(roleFile.read(true)).isEqualTo(new EcsRamRoleFile.EcsRamRole("Other", "cn-shanghai"));
    }

    @Test
    void missingFile_isCredentialsNotFound() {
        SealerException e = catchThrowableOfType(SealerException.class, () -> new EcsRamRoleFile(folder).read(true));
        assertThat(e.errorCode()).isEqualTo(ErrorCode.CREDENTIALS_NOT_FOUND);
        assertThat(e.getMessage()).contains("ecsRamRole.json").doesNotContain(folder.toString());
        assertThat(e.detail()).contains(folder.toString());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "not json",
                "[]",
                "{}",
                "{\"ecs_ram_role_name\": \"R\"}",
                "{\"region_id\": \"cn-beijing\"}",
                "{\"ecs_ram_role_name\": \"R\", \"region_id\": \"evil.com/x\"}",
                "{\"ecs_ram_role_name\": \"../x\", \"region_id\": \"cn-beijing\"}",
                "{\"ecs_ram_role_name\": 7, \"region_id\": \"cn-beijing\"}",
                "{\"ecs_ram_role_name\": \"R\", \"region_id\": 7}"
            })
    void malformedFile_isCredentialsInvalid(String content) throws IOException {
        write(content);
        SealerException e = catchThrowableOfType(SealerException.class, () -> new EcsRamRoleFile(folder).read(true));
        assertThat(e.errorCode()).isEqualTo(ErrorCode.CREDENTIALS_INVALID);
        assertThat(e.getMessage())
                .contains("ecsRamRole.json")
                .doesNotContain(folder.toString())
                .doesNotContain("evil");
    }

    @Test
    void roleMayBeAbsent_whereThePlatformNamesIt() throws IOException {
        write("{\"region_id\": \"cn-beijing\"}");
        assertThat(new EcsRamRoleFile(folder).read(false)).isEqualTo(new EcsRamRoleFile.EcsRamRole(null, "cn-beijing"));
    }

    private Path write(String content) throws IOException {
        return Files.writeString(folder.resolve("ecsRamRole.json"), content);
    }
}
