package dev.sealer.functions.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;
import java.io.IOException;

/**
 * Makes request JSON strict for every binding: an unknown field, a member that appears twice, or a
 * number or boolean where a string belongs, is an error rather than silently ignored, last-wins or
 * coerced. Funqy forces {@code FAIL_ON_UNKNOWN_PROPERTIES} off on its copy of the mapper, so unknown
 * fields are refused through a problem handler, which survives that copy; duplicate detection is a
 * parser feature of the mapper's factory, which the copy keeps. (Funqy also turns on case-insensitive
 * property names; the request types turn that off for themselves.)
 */
@Singleton
public class StrictJson implements ObjectMapperCustomizer {

    /**
     * The one mapper that reads request bodies outside Funqy's binding (Function Compute events, and
     * describing a body Funqy refused): the strict rules, and unknown fields refused.
     */
    static final ObjectMapper REQUESTS =
            apply(new ObjectMapper()).configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    @Override
    public void customize(ObjectMapper mapper) {
        apply(mapper);
    }

    /** Applies the strict rules to any mapper (also used to describe errors precisely). */
    static ObjectMapper apply(ObjectMapper mapper) {
        mapper.addHandler(new DeserializationProblemHandler() {
            @Override
            public boolean handleUnknownProperty(
                    DeserializationContext context,
                    JsonParser parser,
                    JsonDeserializer<?> deserializer,
                    Object beanOrClass,
                    String propertyName)
                    throws IOException {
                throw UnrecognizedPropertyException.from(
                        parser,
                        beanOrClass,
                        propertyName,
                        deserializer == null ? null : deserializer.getKnownPropertyNames());
            }
        });
        mapper.configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true);
        // {"text":"a","text":"b"}: refused, never last-wins (also inside maps: secrets, labels, settings)
        mapper.configure(JsonParser.Feature.STRICT_DUPLICATE_DETECTION, true);
        var textual = mapper.coercionConfigFor(LogicalType.Textual);
        textual.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        textual.setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        textual.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        return mapper;
    }
}
