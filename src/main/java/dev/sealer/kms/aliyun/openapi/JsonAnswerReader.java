package dev.sealer.kms.aliyun.openapi;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealer.Json;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyReader;
import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;

/**
 * Reads the JSON answer of the KMS OpenAPI into {@link GetSecretValueAnswer} with Jackson. Registered
 * on the OpenAPI clients only (no {@code @Provider}). A body that is not such JSON throws a
 * {@link com.fasterxml.jackson.core.JsonProcessingException}, which the client reports as a bad answer
 * without its message (a parser's message may quote the body, i.e. the secret).
 */
public final class JsonAnswerReader implements MessageBodyReader<GetSecretValueAnswer> {

    private static final ObjectMapper JSON = Json.LENIENT;

    @Override
    public boolean isReadable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return type == GetSecretValueAnswer.class;
    }

    @Override
    public GetSecretValueAnswer readFrom(
            Class<GetSecretValueAnswer> type,
            Type genericType,
            Annotation[] annotations,
            MediaType mediaType,
            MultivaluedMap<String, String> httpHeaders,
            InputStream entityStream)
            throws IOException {
        return JSON.readValue(entityStream, GetSecretValueAnswer.class);
    }
}
