package dev.sealer.credentials.ram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealer.CallerFaultException;
import dev.sealer.ErrorCode;
import dev.sealer.FileStamp;
import dev.sealer.Json;
import dev.sealer.SafeIds;
import dev.sealer.ServiceFaultException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code <credential folder>/ecsRamRole.json}, which configures the {@code ecs_ram_role} client type
 * as in the CDH: {@code {"ecs_ram_role_name": "<RAM role attached to the instance>", "region_id":
 * "<region of the KMS>"}}. Public values. Re-read when the file changes (by its {@link FileStamp}).
 *
 * <p>Errors: no file is {@code credentials_not_found}; a file that is not that JSON, or whose role
 * name or region id is not acceptable (they build a URL and a host name), is {@code credentials_invalid}.
 */
public final class EcsRamRoleFile {

    public static final String FILE_NAME = "ecsRamRole.json";
    private static final int MAX_BYTES = 4096;
    private static final ObjectMapper JSON = Json.MAPPER;

    /** The role and the region of one {@code ecsRamRole.json}; the role may be absent where the platform names it. */
    public record EcsRamRole(String roleName, String regionId) {}

    private record Parsed(String stamp, EcsRamRole role) {}

    private final Path file;
    private volatile Parsed last = new Parsed(FileStamp.ABSENT, null);

    public EcsRamRoleFile(Path folder) {
        this.file = folder.resolve(FILE_NAME);
    }

    public boolean exists() {
        return Files.isRegularFile(file);
    }

    /**
     * @param roleRequired false where the platform itself decides the role (Function Compute)
     */
    public EcsRamRole read(boolean roleRequired) {
        String stamp = FileStamp.of(file);
        if (stamp.equals(FileStamp.ABSENT)) {
            throw new CallerFaultException(
                    ErrorCode.CREDENTIALS_NOT_FOUND,
                    "the ecs_ram_role client type needs " + FILE_NAME
                            + " in the credential folder, and this service has none",
                    "missing " + file,
                    null);
        }
        Parsed current = last;
        if (!current.stamp().equals(stamp)) {
            current = new Parsed(stamp, parse());
            last = current;
        }
        if (roleRequired && current.role().roleName() == null) {
            throw invalid("has no ecs_ram_role_name");
        }
        return current.role();
    }

    private EcsRamRole parse() {
        JsonNode json;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw invalid("is larger than " + MAX_BYTES + " bytes");
            }
            json = JSON.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw invalid("is not JSON"); // the parser's message may quote the file: not kept
        }
        if (json == null || !json.isObject()) {
            throw invalid("is not a JSON object");
        }
        JsonNode role = json.get("ecs_ram_role_name");
        JsonNode region = json.get("region_id");
        if (role != null && !role.isNull() && (!role.isTextual() || !SafeIds.isValid(role.textValue()))) {
            throw invalid("has an ecs_ram_role_name that is not a RAM role name (letters, digits, '.', '_', '-')");
        }
        if (region == null || !region.isTextual() || !AliyunRegions.isValid(region.textValue())) {
            throw invalid("has no region_id, or one that is not an Alibaba Cloud region id");
        }
        return new EcsRamRole(role == null || role.isNull() ? null : role.textValue(), region.textValue());
    }

    private ServiceFaultException invalid(String what) {
        return new ServiceFaultException(
                ErrorCode.CREDENTIALS_INVALID, FILE_NAME + " in the credential folder " + what, "file " + file, null);
    }
}
