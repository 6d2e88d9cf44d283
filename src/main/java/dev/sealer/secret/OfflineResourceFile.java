package dev.sealer.secret;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sealer.CallerFaultException;
import dev.sealer.ErrorCode;
import dev.sealer.FileStamp;
import dev.sealer.Json;
import dev.sealer.ServiceFaultException;
import dev.sealer.StrictBase64;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPublicKey;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The CDH's offline resource file as a source of URI kids: one JSON object mapping a resource path
 * ({@code <repo>/<type>/<tag>}) to the resource's bytes in standard base64, the format of
 * {@code /etc/aa-offline_fs_kbc-resources.json} and of the files {@code OFFLINE_FS_KBC_EXTRA_FILE_PATH} names
 * (guest-components 8246e5e, {@code confidential-data-hub/kms/src/plugins/kbs/offline_fs.rs}: a
 * {@code HashMap<String, String>} read with serde_json, values decoded with the STANDARD engine, looked up by
 * {@code ResourceUri::resource_path()}, the path segments joined by {@code /}; a member given twice: the last one).
 * Re-read when the file changes; at most 1 MiB. Public keys only: nothing here is secret.
 */
final class OfflineResourceFile {

    private static final long MAX_BYTES = 1024 * 1024;

    private record Loaded(String stamp, Map<String, String> resources) {}

    private final Path file;
    private final AtomicReference<Loaded> loaded = new AtomicReference<>();

    OfflineResourceFile(Path file) {
        this.file = file.toAbsolutePath().normalize();
    }

    ECPublicKey find(Kid.ResourceUri uri) {
        String encoded = resources().get(uri.resourcePath());
        if (encoded == null) {
            throw KeyFolder.unknown(uri.value());
        }
        byte[] jwk;
        try {
            jwk = StrictBase64.decodeStandard("resource " + uri.resourcePath(), encoded);
        } catch (CallerFaultException e) {
            throw broken("a value is not standard base64", null);
        }
        return SigningKey.parsePublicJwk(
                new String(jwk, java.nio.charset.StandardCharsets.UTF_8), "offline KBS resource " + uri.value());
    }

    private Map<String, String> resources() {
        String stamp = FileStamp.of(file);
        Loaded current = loaded.get();
        if (current != null && current.stamp().equals(stamp)) {
            return current.resources();
        }
        Map<String, String> resources = new java.util.HashMap<>();
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw broken("larger than 1 MiB", null);
            }
            JsonNode root = Json.MAPPER.readTree(file.toFile());
            if (root == null || !root.isObject()) {
                throw broken("not a JSON object", null);
            }
            for (Map.Entry<String, JsonNode> entry : root.properties()) {
                if (!entry.getValue().isTextual()) {
                    throw broken("a value is not a string", null);
                }
                resources.put(entry.getKey(), entry.getValue().textValue());
            }
        } catch (IOException e) {
            throw broken("cannot be read as JSON", e);
        }
        loaded.set(new Loaded(stamp, Map.copyOf(resources)));
        return resources;
    }

    private ServiceFaultException broken(String why, Throwable cause) {
        return new ServiceFaultException(
                ErrorCode.NOT_CONFIGURED, "the offline KBS resource file is broken: " + why, file.toString(), cause);
    }
}
