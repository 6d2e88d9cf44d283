package dev.sealer.kms.aliyun.instance;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyReader;
import jakarta.ws.rs.ext.MessageBodyWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads and writes generated protobuf messages as {@code application/x-protobuf} bodies. Registered
 * on the KMS clients only (no {@code @Provider}, so it does not leak into other clients).
 */
public final class ProtobufProvider implements MessageBodyReader<Message>, MessageBodyWriter<Message> {

    private static final Map<Class<?>, Parser<?>> PARSERS = new ConcurrentHashMap<>();

    @Override
    public boolean isReadable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return Message.class.isAssignableFrom(type);
    }

    @Override
    public Message readFrom(
            Class<Message> type,
            Type genericType,
            Annotation[] annotations,
            MediaType mediaType,
            MultivaluedMap<String, String> httpHeaders,
            InputStream entityStream)
            throws IOException {
        // InvalidProtocolBufferException is an IOException: the client reports it as a bad answer.
        return (Message) parser(type).parseFrom(entityStream);
    }

    @Override
    public boolean isWriteable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return Message.class.isAssignableFrom(type);
    }

    @Override
    public void writeTo(
            Message message,
            Class<?> type,
            Type genericType,
            Annotation[] annotations,
            MediaType mediaType,
            MultivaluedMap<String, Object> httpHeaders,
            OutputStream entityStream)
            throws IOException {
        message.writeTo(entityStream);
    }

    /** The parser of a generated message class. */
    static Parser<?> parser(Class<?> type) {
        return PARSERS.computeIfAbsent(type, t -> {
            try {
                return ((Message) t.getMethod("getDefaultInstance").invoke(null)).getParserForType();
            } catch (ReflectiveOperationException e) {
                throw new WebApplicationException("not a generated protobuf message: " + t.getName(), e);
            }
        });
    }

    /** Parses bytes as the given message type; exposed for the error mapper. */
    static <T extends Message> T parse(Class<T> type, byte[] bytes) throws InvalidProtocolBufferException {
        return type.cast(parser(type).parseFrom(bytes));
    }
}
