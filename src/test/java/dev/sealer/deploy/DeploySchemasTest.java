package dev.sealer.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every deploy manifest against the platforms' own schemas ({@link PlatformSchemas}, from the copies in
 * {@code src/test/resources/upstream}): each Knative document against the openAPIV3Schema of its CRD (Serving,
 * Eventing) or, for a Kubernetes core object, against Kubernetes' definition; each Function Compute function of
 * {@code deploy/fc/s.yaml} against devsapp/fc3's schema. Unknown fields are defects. The checks are shown to fail
 * on the mistakes they exist for, and the copies of the schemas are the ones the README there names.
 */
class DeploySchemasTest {

    private static final PlatformSchemas SCHEMAS = PlatformSchemas.load();
    /** Merge patches of an existing ConfigMap ({@code kubectl patch --type merge --patch-file}), not manifests. */
    private static final Pattern CONFIG_MAP_PATCH = Pattern.compile("config-features-[a-z]+\\.yaml");

    @Test
    void everyKnativeDocument_isValidForItsPlatformSchema() throws IOException {
        Map<String, List<String>> defects = new LinkedHashMap<>();
        TreeSet<String> types = new TreeSet<>();
        for (Path file : knativeYamlFiles()) {
            int index = 0;
            for (JsonNode document : DeployManifestsTest.documents(file)) {
                String where = file + " #" + index++;
                if (CONFIG_MAP_PATCH.matcher(file.getFileName().toString()).matches()) {
                    assertThat(document.has("kind")).as(where + " is a patch").isFalse();
                    defects.put(where, SCHEMAS.configMapPatchDefects(document));
                    types.add("patch of v1/ConfigMap");
                } else {
                    defects.put(where, SCHEMAS.kubernetesDefects(document));
                    types.add(document.path("apiVersion").asText() + "/"
                            + document.path("kind").asText());
                }
            }
        }
        assertThat(defects)
                .allSatisfy((where, found) -> assertThat(found).as(where).isEmpty());
        assertThat(types)
                .contains(
                        "serving.knative.dev/v1/Service",
                        "eventing.knative.dev/v1/Broker",
                        "eventing.knative.dev/v1/Trigger",
                        "v1/Secret",
                        "patch of v1/ConfigMap");
    }

    @Test
    void everyFunctionComputeFunction_isValidForFc3sSchema() throws IOException {
        JsonNode s = DeployManifestsTest.documents(DeployManifestsTest.FC).get(0);
        List<String> functions = new ArrayList<>();
        for (Map.Entry<String, JsonNode> resource : DeployManifestsTest.fields(s.path("resources"))) {
            assertThat(resource.getValue().path("component").asText()).isEqualTo("fc3");
            JsonNode props =
                    DeployManifestsTest.resolveVars(s, resource.getValue().path("props"));
            assertThat(SCHEMAS.fc3Defects(props)).as(resource.getKey()).isEmpty();
            functions.add(resource.getKey());
        }
        assertThat(functions).containsExactlyInAnyOrder("seal", "unseal");
    }

    // ---- the checks fail on what they are for ---------------------------------------------------------

    @Test
    void knativeService_unknownOrMistypedFields_areDefects() throws IOException {
        JsonNode service = knative("service.yaml", 0);
        assertDefect(
                service,
                s -> container(s).with("readinessProbe").with("httpGet").put("paht", "/q/health/ready"));
        assertDefect(
                service,
                s -> ((ObjectNode) s.path("metadata")).putObject("lables").put("a", "b"));
        assertDefect(
                service,
                s -> container(s)
                        .with("resources")
                        .with("limits")
                        .putArray("memory")
                        .add(1));
        assertDefect(service, s -> container(s).put("containerPort", 8080));
        // pod-level fields the CRD leaves free (feature flags): nothing inside can be checked, so none is accepted
        assertDefect(service, s -> podSpec(s).putObject("securityContext").put("runAsNonRoot", true));
        assertDefect(service, s -> podSpec(s).putObject("affinity"));
        // apiVersion and kind are those of the CRD
        assertDefect(service, s -> s.put("apiVersion", "serving.knative.dev/v1beta1"));
        // a field the CRD lists under a preserve-unknown-fields object is still checked
        assertDefect(service, s -> templateMetadata(s).put("generateName", "x-"));
    }

    @Test
    void knativeEventing_unknownFields_areDefects() throws IOException {
        JsonNode trigger = knative("triggers.yaml", 0);
        assertDefect(trigger, t -> ((ObjectNode) t.at("/spec/subscriber")).put("audiance", "aliyun-kms-sealer"));
        assertDefect(trigger, t -> ((ObjectNode) t.at("/spec/delivery")).put("retries", 3));
        assertDefect(trigger, t -> ((ObjectNode) t.at("/spec/filter/attributes")).put("type", 1));
        JsonNode broker = knative("broker.yaml", 0);
        assertDefect(broker, b -> ((ObjectNode) b.at("/spec/delivery")).put("deadLetterSinkk", "x"));
    }

    @Test
    void kubernetesCoreObjects_unknownFields_areDefects() throws IOException {
        JsonNode secret = knative("secrets-tee.yaml", 0);
        assertDefect(secret, s -> s.set("stringdata", s.path("stringData")));
        assertDefect(secret, s -> s.put("apiVersion", "v2"));
        assertDefect(secret, s -> ((ObjectNode) s.path("metadata")).put("namspace", "sealer"));
        assertThat(SCHEMAS.kubernetesDefects(DeployManifestsTest.YAML.readTree("apiVersion: v1\nkind: Pod\n")))
                .singleElement()
                .asString()
                .contains("no schema for v1/Pod");

        JsonNode patch = DeployManifestsTest.documents(
                        DeployManifestsTest.KNATIVE.resolve("config-features-serving.yaml"))
                .get(0);
        assertThat(SCHEMAS.configMapPatchDefects(patch)).isEmpty();
        ObjectNode unquoted = patch.deepCopy();
        ((ObjectNode) unquoted.path("data")).put("kubernetes.podspec-runtimeclassname", true);
        assertThat(SCHEMAS.configMapPatchDefects(unquoted)).isNotEmpty();
        ObjectNode misplaced = patch.deepCopy();
        misplaced.set("date", misplaced.remove("data"));
        assertThat(SCHEMAS.configMapPatchDefects(misplaced)).isNotEmpty();
    }

    @Test
    void functionCompute_unknownOrMistypedFields_areDefects() throws IOException {
        JsonNode s = DeployManifestsTest.documents(DeployManifestsTest.FC).get(0);
        JsonNode seal = DeployManifestsTest.resolveVars(s, s.at("/resources/seal/props"));
        assertThat(SCHEMAS.fc3Defects(seal)).isEmpty();
        assertFc3Defect(seal, p -> ((ObjectNode) p.path("nasConfig")).put("readOnly", true));
        assertFc3Defect(seal, p -> ((ObjectNode) p.at("/nasConfig/mountPoints/0")).put("readOnly", true));
        assertFc3Defect(seal, p -> p.put("memorySize", "512"));
        assertFc3Defect(seal, p -> p.put("memorySize", 500));
        assertFc3Defect(seal, p -> p.put("enviromentVariables", "x"));
        assertFc3Defect(seal, p -> ((ObjectNode) p.at("/triggers/0/triggerConfig")).put("authType", "none"));
        assertFc3Defect(seal, p -> ((ObjectNode) p.path("environmentVariables")).put("NUMBER", 1));
        assertFc3Defect(seal, p -> p.remove("customContainerConfig"));
    }

    private static void assertDefect(JsonNode document, Consumer<ObjectNode> change) {
        ObjectNode changed = document.deepCopy();
        change.accept(changed);
        assertThat(SCHEMAS.kubernetesDefects(changed)).as(changed.toString()).isNotEmpty();
    }

    private static void assertFc3Defect(JsonNode props, Consumer<ObjectNode> change) {
        ObjectNode changed = props.deepCopy();
        change.accept(changed);
        assertThat(SCHEMAS.fc3Defects(changed)).as(changed.toString()).isNotEmpty();
    }

    private static JsonNode knative(String file, int document) throws IOException {
        JsonNode node = DeployManifestsTest.documents(DeployManifestsTest.KNATIVE.resolve(file))
                .get(document);
        assertThat(SCHEMAS.kubernetesDefects(node)).as(file).isEmpty();
        return node;
    }

    private static ObjectNode podSpec(ObjectNode service) {
        return (ObjectNode) service.at("/spec/template/spec");
    }

    private static ObjectNode container(ObjectNode service) {
        return (ObjectNode) ((ArrayNode) podSpec(service).path("containers")).get(0);
    }

    private static ObjectNode templateMetadata(ObjectNode service) {
        return (ObjectNode) service.at("/spec/template/metadata");
    }

    private static List<Path> knativeYamlFiles() throws IOException {
        try (var walk = Files.walk(DeployManifestsTest.KNATIVE)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().matches(".*\\.ya?ml"))
                    .sorted()
                    .toList();
        }
    }

    // ---- the copies -----------------------------------------------------------------------------------

    /**
     * Each copy under {@code src/test/resources/upstream} is listed in its README with its SHA-256 (taken when it
     * was copied from the named commit), and nothing else lies there: an edit to a copy shows.
     */
    @Test
    void upstreamCopies_areTheOnesTheReadmeNames() throws IOException, NoSuchAlgorithmException {
        String readme = Files.readString(PlatformSchemas.UPSTREAM.resolve("README.md"), StandardCharsets.UTF_8);
        Map<String, String> recorded = new LinkedHashMap<>();
        Matcher row = Pattern.compile("(?m)^\\| `([^`]+)` \\|.*\\| `([0-9a-f]{64})` \\|$")
                .matcher(readme);
        while (row.find()) {
            recorded.put(row.group(1), row.group(2));
        }
        Map<String, String> actual = new LinkedHashMap<>();
        try (var walk = Files.walk(PlatformSchemas.UPSTREAM)) {
            for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
                String name = PlatformSchemas.UPSTREAM.relativize(file).toString();
                if (!name.equals("README.md")) {
                    actual.put(
                            name,
                            HexFormat.of()
                                    .formatHex(
                                            MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))));
                }
            }
        }
        assertThat(actual).isEqualTo(recorded);
    }
}
