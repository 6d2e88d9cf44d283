package dev.sealer.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The platforms' own schemas, from the copies under {@code src/test/resources/upstream} (each named with its
 * repository, path and commit in the README there), made strict: an unknown field is a defect.
 *
 * <ul>
 *   <li>Knative documents against the {@code openAPIV3Schema} of their CRD (version v1): knative/serving's
 *       Service, knative/eventing's Broker and Trigger. The API server validates {@code metadata} itself, as
 *       an ObjectMeta: so does this, with Kubernetes' ObjectMeta.
 *   <li>Kubernetes core objects (Secret; ConfigMap, also for the merge patches of {@code config-features})
 *       against the definitions of Kubernetes' OpenAPI spec.
 *   <li>Function Compute functions (the {@code props} of an fc3 resource) against devsapp/fc3's
 *       {@code src/schema.json}.
 * </ul>
 *
 * <p>Made strict as follows (the API server prunes unknown fields, or refuses them with
 * {@code --validate=strict}; fc3 only logs its schema's complaints at debug level):
 *
 * <ul>
 *   <li>every object schema with {@code properties} and no {@code additionalProperties} gets
 *       {@code additionalProperties: false}, also where the CRD says {@code x-kubernetes-preserve-unknown-fields}
 *       (the server would keep an unknown field there; here it is a defect);
 *   <li>an object the CRD leaves free ({@code x-kubernetes-preserve-unknown-fields} without {@code properties}:
 *       the feature-flagged pod fields such as {@code affinity}, a pod-level {@code securityContext}, volume
 *       sources other than {@code secret}/{@code configMap}/...) accepts nothing: its content cannot be checked
 *       here, so a manifest must not use it. Two exceptions are typed after Eventing's Go types instead (see
 *       {@link #EVENTING_SUPPLEMENTS});
 *   <li>{@code x-kubernetes-int-or-string} becomes "integer or string", {@code nullable} allows null; OpenAPI
 *       {@code format}s (int32, byte, date-time: not JSON Schema assertions) and the {@code x-kubernetes-*}
 *       annotations are dropped;
 *   <li>fc3's schema: the same first rule, except inside {@code if} (a condition, not a shape).
 * </ul>
 */
final class PlatformSchemas {

    static final Path UPSTREAM = Path.of("src/test/resources/upstream");
    static final Path SERVING_SERVICE_CRD = UPSTREAM.resolve("knative/serving/config/core/300-resources/service.yaml");
    static final Path EVENTING_BROKER_CRD = UPSTREAM.resolve("knative/eventing/config/core/resources/broker.yaml");
    static final Path EVENTING_TRIGGER_CRD = UPSTREAM.resolve("knative/eventing/config/core/resources/trigger.yaml");
    static final Path KUBERNETES = UPSTREAM.resolve("kubernetes/core-v1-subset.json");
    static final Path FC3 = UPSTREAM.resolve("devsapp/fc3/src/schema.json");

    private static final String OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

    /**
     * Fields Eventing's CRDs leave to {@code x-kubernetes-preserve-unknown-fields}, typed as Eventing's Go types
     * define them (knative/eventing at knative-v1.22.2, commit 532b01f0cb2c): {@code delivery.timeout} is
     * {@code DeliverySpec.Timeout *string} (pkg/apis/duck/v1/delivery_types.go; an ISO-8601 duration, accepted
     * when the feature {@code delivery-timeout} is on, "enabled" in config/core/configmaps/features.yaml), and a
     * Trigger's {@code filter.attributes} is {@code TriggerFilterAttributes map[string]string}
     * (pkg/apis/eventing/v1/trigger_types.go).
     */
    static final Map<String, Map<String, String>> EVENTING_SUPPLEMENTS = Map.of(
            "Broker",
            Map.of("/properties/spec/properties/delivery/properties/timeout", "{\"type\": \"string\"}"),
            "Trigger",
            Map.of(
                    "/properties/spec/properties/delivery/properties/timeout",
                    "{\"type\": \"string\"}",
                    "/properties/spec/properties/filter/properties/attributes",
                    "{\"type\": \"object\", \"additionalProperties\": {\"type\": \"string\"}}"));

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7);
    private final ObjectNode kubernetesDefinitions;
    /** By {@code apiVersion/kind}, e.g. {@code serving.knative.dev/v1/Service}, {@code v1/Secret}. */
    private final Map<String, Schema> byType = new LinkedHashMap<>();

    private final Schema configMapPatch;
    private final Schema fc3Function;

    private PlatformSchemas() {
        ObjectNode definitions = (ObjectNode) read(JSON, KUBERNETES).path("definitions");
        kubernetesDefinitions = NODES.objectNode();
        definitions
                .fields()
                .forEachRemaining(d -> kubernetesDefinitions.set(d.getKey(), strictKubernetes(d.getValue())));
        for (String definition : List.of("io.k8s.api.core.v1.Secret", "io.k8s.api.core.v1.ConfigMap")) {
            JsonNode gvk = definitions
                    .path(definition)
                    .path("x-kubernetes-group-version-kind")
                    .get(0);
            String apiVersion = gvk.path("group").asText().isEmpty()
                    ? gvk.path("version").asText()
                    : gvk.path("group").asText() + "/" + gvk.path("version").asText();
            byType.put(
                    apiVersion + "/" + gvk.path("kind").asText(),
                    schema(typed(ref(definition), apiVersion, gvk.path("kind").asText())));
        }
        // a merge patch of config-features: a ConfigMap's fields, none required
        configMapPatch = schema(ref("io.k8s.api.core.v1.ConfigMap"));
        for (Path crd : List.of(SERVING_SERVICE_CRD, EVENTING_BROKER_CRD, EVENTING_TRIGGER_CRD)) {
            addCrd(crd, "v1");
        }
        fc3Function = registry.getSchema(strictFc3((ObjectNode) read(JSON, FC3)));
    }

    static PlatformSchemas load() {
        return new PlatformSchemas();
    }

    /** The {@code apiVersion/kind} pairs this can check. */
    List<String> types() {
        return List.copyOf(byType.keySet());
    }

    /** Defects of a Kubernetes document (a Knative resource or a core object), by its apiVersion and kind. */
    List<String> kubernetesDefects(JsonNode document) {
        String type = document.path("apiVersion").asText() + "/"
                + document.path("kind").asText();
        Schema schema = byType.get(type);
        if (schema == null) {
            return List.of("no schema for " + type + " (known: " + byType.keySet() + "): keep a copy of its schema in "
                    + UPSTREAM);
        }
        return defects(schema, document);
    }

    /** Defects of a merge patch of a ConfigMap (kubectl patch --type merge). */
    List<String> configMapPatchDefects(JsonNode patch) {
        return defects(configMapPatch, patch);
    }

    /** Defects of the {@code props} of an fc3 resource (variables already resolved). */
    List<String> fc3Defects(JsonNode props) {
        return defects(fc3Function, props);
    }

    private static List<String> defects(Schema schema, JsonNode document) {
        List<String> defects = new ArrayList<>();
        for (Error error : schema.validate(document)) {
            defects.add(error.getInstanceLocation() + ": " + error.getMessage());
        }
        return defects;
    }

    private void addCrd(Path file, String version) {
        JsonNode crd = read(YAML, file);
        if (!crd.path("kind").asText().equals("CustomResourceDefinition")) {
            throw new IllegalStateException(file + " is not a CRD");
        }
        String kind = crd.at("/spec/names/kind").asText();
        JsonNode openApi = null;
        for (JsonNode v : crd.at("/spec/versions")) {
            if (v.path("name").asText().equals(version)) {
                openApi = v.at("/schema/openAPIV3Schema");
            }
        }
        if (openApi == null || openApi.isMissingNode()) {
            throw new IllegalStateException(file + " has no openAPIV3Schema for " + version);
        }
        ObjectNode strict = strictKubernetes(openApi);
        for (Map.Entry<String, String> supplement :
                EVENTING_SUPPLEMENTS.getOrDefault(kind, Map.of()).entrySet()) {
            String pointer = supplement.getKey();
            int last = pointer.lastIndexOf('/');
            JsonNode parent = strict.at(pointer.substring(0, last));
            if (!(parent instanceof ObjectNode)) {
                throw new IllegalStateException(file + ": no " + pointer.substring(0, last));
            }
            ((ObjectNode) parent).set(pointer.substring(last + 1), parse(supplement.getValue()));
        }
        // every custom resource has apiVersion, kind and metadata, whether its CRD lists them or not; the API
        // server validates metadata as an ObjectMeta (the CRD says at most "type: object")
        ObjectNode root = (ObjectNode) strict.path("properties");
        root.putObject("apiVersion").put("type", "string");
        root.putObject("kind").put("type", "string");
        root.set("metadata", ref(OBJECT_META));
        String apiVersion = crd.at("/spec/group").asText() + "/" + version;
        byType.put(apiVersion + "/" + kind, schema(typed(strict, apiVersion, kind)));
    }

    /** The schema plus {@code apiVersion} and {@code kind} fixed to the given values, with the Kubernetes definitions. */
    private ObjectNode typed(ObjectNode schema, String apiVersion, String kind) {
        ObjectNode identity = NODES.objectNode();
        identity.putArray("required").add("apiVersion").add("kind");
        ObjectNode properties = identity.putObject("properties");
        properties.putObject("apiVersion").put("const", apiVersion);
        properties.putObject("kind").put("const", kind);
        ObjectNode typed = NODES.objectNode();
        typed.putArray("allOf").add(schema).add(identity);
        return typed;
    }

    private Schema schema(ObjectNode root) {
        ObjectNode withDefinitions = root.deepCopy();
        withDefinitions.set("definitions", kubernetesDefinitions.deepCopy());
        return registry.getSchema(withDefinitions);
    }

    private static ObjectNode ref(String definition) {
        return NODES.objectNode().put("$ref", "#/definitions/" + definition);
    }

    // ---- making schemas strict ----------------------------------------------------------------------

    /** A Kubernetes (OpenAPI v2/v3 structural) schema as strict JSON Schema, by the rules in the class comment. */
    static ObjectNode strictKubernetes(JsonNode schema) {
        ObjectNode out = NODES.objectNode();
        boolean preserveUnknown =
                schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        if (preserveUnknown && !schema.has("properties") && !schema.has("additionalProperties")) {
            // free-form: nothing can be checked inside, so nothing is accepted
            out.set("not", NODES.objectNode());
            out.put("description", "x-kubernetes-preserve-unknown-fields without a schema: not checkable here");
            return out;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = schema.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = field.getKey();
            JsonNode value = field.getValue();
            if (key.startsWith("x-kubernetes-") || key.equals("format") || key.equals("nullable")) {
                continue;
            }
            switch (key) {
                case "properties" -> {
                    ObjectNode properties = out.putObject("properties");
                    value.fields().forEachRemaining(p -> properties.set(p.getKey(), strictKubernetes(p.getValue())));
                }
                case "items", "additionalProperties", "not" ->
                    out.set(key, value.isObject() ? strictKubernetes(value) : strictArrayOrValue(value));
                case "anyOf", "allOf", "oneOf" -> out.set(key, strictArrayOrValue(value));
                default -> out.set(key, value.deepCopy());
            }
        }
        if (out.has("properties") && !out.has("additionalProperties")) {
            out.set("additionalProperties", BooleanNode.FALSE);
        }
        if (schema.path("x-kubernetes-int-or-string").asBoolean(false) && !out.has("anyOf")) {
            ArrayNode anyOf = out.putArray("anyOf");
            anyOf.addObject().put("type", "integer");
            anyOf.addObject().put("type", "string");
        }
        if (schema.path("nullable").asBoolean(false) && out.path("type").isTextual()) {
            String type = out.path("type").asText();
            out.putArray("type").add(type).add("null");
        }
        return out;
    }

    private static JsonNode strictArrayOrValue(JsonNode value) {
        if (!value.isArray()) {
            return value.deepCopy();
        }
        ArrayNode out = NODES.arrayNode();
        value.forEach(v -> out.add(v.isObject() ? strictKubernetes(v) : v.deepCopy()));
        return out;
    }

    /**
     * fc3's draft-07 schema with {@code additionalProperties: false} wherever it lists properties, except in
     * {@code if}; and an {@code http} trigger's {@code triggerConfig} checked as an {@code IHttpTriggerConfig}:
     * the schema's {@code anyOf} of trigger configurations also admits {@code IOtsConfig}, a bare object, so it
     * would check nothing, while fc3 itself reads an http trigger's configuration as that type
     * (src/interface/trigger.ts at the same commit).
     */
    static ObjectNode strictFc3(ObjectNode schema) {
        ObjectNode out = schema.deepCopy();
        tighten(out);
        ObjectNode trigger = (ObjectNode) out.at("/definitions/ITrigger");
        ObjectNode http = trigger.putArray("allOf").addObject();
        ObjectNode condition = http.putObject("if");
        condition.putArray("required").add("triggerType");
        condition.putObject("properties").putObject("triggerType").put("const", "http");
        http.putObject("then")
                .putObject("properties")
                .set("triggerConfig", NODES.objectNode().put("$ref", "#/definitions/IHttpTriggerConfig"));
        return out;
    }

    private static void tighten(JsonNode node) {
        if (node.isArray()) {
            node.forEach(PlatformSchemas::tighten);
            return;
        }
        if (!(node instanceof ObjectNode object)) {
            return;
        }
        if (object.has("properties") && !object.has("additionalProperties")) {
            object.set("additionalProperties", BooleanNode.FALSE);
        }
        for (String key : List.of("properties", "definitions")) {
            object.path(key).forEach(PlatformSchemas::tighten);
        }
        for (String key : List.of("items", "additionalProperties", "anyOf", "allOf", "oneOf", "not", "then", "else")) {
            Optional.ofNullable(object.get(key)).ifPresent(PlatformSchemas::tighten);
        }
        // "if" is a condition: left as it is
    }

    // ---- reading ------------------------------------------------------------------------------------

    private static JsonNode read(ObjectMapper mapper, Path file) {
        try {
            return mapper.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
