package dev.sealer;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The project's JSON mappers outside the framework's (Quarkus configures its own for the function
 * bindings), each configured once. Thread-safe once built; never reconfigure them.
 */
public final class Json {

    /** Plain reading and writing of files and answers this project writes itself. */
    public static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * Reading untrusted, signed or security-relevant documents (sealed-secret headers and payloads):
     * a duplicate member is an error, so a reader can never see another value than a verifier did.
     */
    public static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** Reading answers of remote services into records: members this project does not use are ignored. */
    public static final ObjectMapper LENIENT = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private Json() {}
}
