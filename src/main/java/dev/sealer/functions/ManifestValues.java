package dev.sealer.functions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sealer.CallerFaultException;
import dev.sealer.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The sealed strings of a manifest, as a pod would receive them: every value of a Secret's {@code stringData}, and
 * every value of its {@code data} after base64 decoding (as the kubelet writes it into a file or an env value),
 * whose stripped text starts with {@code sealed.}; in every document of a YAML stream (JSON is YAML), and in the
 * {@code items} of a {@code List}. Public input: nothing here is secret.
 */
final class ManifestValues {

    /** One sealed string and where it was found. */
    record Found(int document, String secret, String key, String sealed) {}

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ManifestValues() {}

    /** @throws CallerFaultException {@code INVALID_REQUEST} when the manifest is not YAML or JSON */
    static List<Found> of(String manifest) {
        List<Found> found = new ArrayList<>();
        try (MappingIterator<JsonNode> documents =
                YAML.readerFor(JsonNode.class).readValues(manifest)) {
            int index = 0;
            while (documents.hasNextValue()) {
                collect(documents.nextValue(), index++, found);
            }
        } catch (IOException | RuntimeException e) {
            throw new CallerFaultException(
                    ErrorCode.INVALID_REQUEST, "field 'manifest': not YAML or JSON (one or more documents)");
        }
        return found;
    }

    private static void collect(JsonNode document, int index, List<Found> found) {
        if (document == null || !document.isObject()) {
            return;
        }
        String kind = document.path("kind").asText("");
        if (kind.equals("List")) {
            document.path("items").forEach(item -> collect(item, index, found));
            return;
        }
        if (!kind.equals("Secret")) {
            return;
        }
        String name = document.path("metadata").path("name").asText(null);
        values(document.path("stringData"), false, index, name, found);
        values(document.path("data"), true, index, name, found);
    }

    private static void values(JsonNode map, boolean base64, int index, String name, List<Found> found) {
        for (Iterator<Map.Entry<String, JsonNode>> entries = map.fields(); entries.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = entries.next();
            if (!entry.getValue().isTextual()) {
                continue;
            }
            String value = base64
                    ? decoded(entry.getValue().textValue())
                    : entry.getValue().textValue();
            if (value != null && value.strip().startsWith("sealed.")) {
                found.add(new Found(index, name, entry.getKey(), value));
            }
        }
    }

    /** A {@code data} value as the pod receives it; null when it is not base64 (Kubernetes refuses it too). */
    private static String decoded(String value) {
        try {
            return new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
