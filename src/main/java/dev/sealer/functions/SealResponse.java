package dev.sealer.functions;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * Output of {@code seal} and {@code reseal}, safe to store anywhere: {@code sealed} is the sealed
 * secret, or for a batch a map from each name to its sealed secret; {@code manifest}, when asked for,
 * is the Kubernetes Secret holding them, as JSON and as YAML.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SealResponse(Object sealed, Manifest manifest) {

    /** A Kubernetes Secret: the object, and the same as YAML text (ready for {@code kubectl apply -f -}). */
    public record Manifest(JsonNode json, String yaml) {}

    public static SealResponse single(String sealed) {
        return new SealResponse(sealed, null);
    }

    public static SealResponse batch(Map<String, String> sealed, Manifest manifest) {
        return new SealResponse(sealed, manifest);
    }
}
