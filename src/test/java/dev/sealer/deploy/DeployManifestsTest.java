package dev.sealer.deploy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sealer.emulator.EmulatorConfig;
import dev.sealer.functions.runtime.SealedSecretConfig;
import dev.sealer.functions.runtime.SealerConfig;
import dev.sealer.kms.aliyun.AliyunKmsConfig;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Every YAML file under deploy/ checked against the application itself, so that manifests and code
 * cannot drift apart: ports, probe paths, routes, environment variable names, profiles, mount paths
 * and CloudEvent types.
 */
@QuarkusTest
class DeployManifestsTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Path DEPLOY = Path.of("deploy");
    private static final Path PROPERTIES = Path.of("src/main/resources/application.properties");

    @ConfigProperty(name = "quarkus.funqy.knative-events.mapping.seal.trigger")
    String sealType;

    @ConfigProperty(name = "quarkus.funqy.knative-events.mapping.unseal.trigger")
    String unsealType;

    @Test
    void everyYamlFileUnderDeploy_isChecked() throws IOException {
        List<Path> files;
        try (var walk = Files.walk(DEPLOY)) {
            files = walk.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        }
        assertThat(files).containsExactlyInAnyOrder(DEPLOY.resolve("fc/s.yaml"), DEPLOY.resolve("knative/service.yaml"),
                DEPLOY.resolve("knative/triggers.yaml"));
        for (Path file : files) {
            assertThat(documents(file)).as(file.toString()).isNotEmpty();
        }
    }

    @Test
    void knativeService_matchesTheApplication() throws IOException {
        JsonNode service = documents(DEPLOY.resolve("knative/service.yaml")).get(0);
        assertThat(service.path("kind").asText()).isEqualTo("Service");
        JsonNode container = service.at("/spec/template/spec/containers/0");
        String profile = env(container, "QUARKUS_PROFILE");
        assertThat(definedProfiles()).contains(profile);
        SmallRyeConfig config = profileConfig(profile);

        assertThat(container.at("/ports/0/containerPort").asInt())
                .isEqualTo(config.getValue("quarkus.http.port", Integer.class));
        String ready = container.at("/readinessProbe/httpGet/path").asText();
        String live = container.at("/livenessProbe/httpGet/path").asText();
        given().when().get(ready).then().statusCode(200);
        given().when().get(live).then().statusCode(200);
        assertThat(ready).isEqualTo("/q/health/ready");
        assertThat(live).isEqualTo("/q/health/live");

        for (JsonNode variable : container.path("env")) {
            assertThat(knownEnvironmentNames()).as("env %s", variable.path("name").asText())
                    .contains(variable.path("name").asText());
        }
        assertThat(mountPath(service, "kms-credentials")).isEqualTo(config.getValue("aliyun.kms.credential-dir", String.class));
        assertThat(mountPath(service, "verification-keys"))
                .isEqualTo(config.getValue("sealed-secret.verification.key-dir", String.class));
        assertThat(env(container, "SEALED_SECRET_SIGNING_JWK_FILE")).startsWith(mountPath(service, "signing-key") + "/");
        assertThat(env(container, "SEALER_API_TOKEN_FILE")).startsWith(mountPath(service, "api-token") + "/");
        assertThat(config.getValue("sealed-secret.verification.skip", Boolean.class)).isFalse();
    }

    @Test
    void knativeTriggers_filterOnTheFunctionsEventTypes() throws IOException {
        String serviceName = documents(DEPLOY.resolve("knative/service.yaml")).get(0).at("/metadata/name").asText();
        List<JsonNode> triggers = documents(DEPLOY.resolve("knative/triggers.yaml"));
        assertThat(triggers).hasSize(2);
        List<String> types = new ArrayList<>();
        for (JsonNode trigger : triggers) {
            assertThat(trigger.path("kind").asText()).isEqualTo("Trigger");
            assertThat(trigger.at("/spec/subscriber/ref/name").asText()).isEqualTo(serviceName);
            types.add(trigger.at("/spec/filter/attributes/type").asText());
        }
        assertThat(types).containsExactlyInAnyOrder(sealType, unsealType);
    }

    @Test
    void functionComputeDeployment_matchesTheApplication() throws IOException {
        JsonNode s = documents(DEPLOY.resolve("fc/s.yaml")).get(0);
        assertThat(s.path("edition").asText()).startsWith("3.");
        JsonNode environment = s.at("/vars/environment");
        String profile = environment.path("QUARKUS_PROFILE").asText();
        assertThat(definedProfiles()).contains(profile);
        SmallRyeConfig config = profileConfig(profile);
        environment.fieldNames().forEachRemaining(name -> assertThat(knownEnvironmentNames()).as("env %s", name).contains(name));

        List<String> handlers = new ArrayList<>();
        s.path("resources").fields().forEachRemaining(resource -> {
            JsonNode props = resource.getValue().path("props");
            assertThat(resource.getValue().path("component").asText()).isEqualTo("fc3");
            assertThat(props.path("runtime").asText()).isEqualTo("custom-container");
            assertThat(props.at("/customContainerConfig/port").asInt())
                    .isEqualTo(config.getValue("quarkus.http.port", Integer.class));
            assertThat(props.path("environmentVariables").asText()).isEqualTo("${vars.environment}");
            assertThat(props.at("/instanceLifecycleConfig/initializer/handler").asText()).isEqualTo("initialize");
            assertThat(props.path("timeout").asInt()).isPositive();
            assertThat(props.path("memorySize").asInt()).isGreaterThanOrEqualTo(256);
            assertThat(props.at("/triggers/0/triggerType").asText()).isEqualTo("http");
            assertThat(props.at("/triggers/0/triggerConfig/methods").toString()).contains("POST");
            handlers.add(props.path("handler").asText());
            assertThat(resource.getKey()).isEqualTo(props.path("handler").asText());
        });
        assertThat(handlers).containsExactlyInAnyOrder("seal", "unseal");
        given().when().post("/initialize").then().statusCode(200);
        for (String handler : handlers) {
            // The route an HTTP trigger forwards to, and the handler /invoke dispatches on, both exist.
            given().contentType("application/json").body("{}").when().post("/" + handler).then().statusCode(400);
            given().header("x-fc-function-handler", handler).body("{}").when().post("/invoke").then()
                    .header("x-fc-status", "404").statusCode(400);
        }
    }

    private static List<JsonNode> documents(Path file) throws IOException {
        try (var parser = YAML.getFactory().createParser(file.toFile())) {
            return YAML.readValues(parser, JsonNode.class).readAll();
        }
    }

    private static String env(JsonNode container, String name) {
        for (JsonNode variable : container.path("env")) {
            if (variable.path("name").asText().equals(name)) {
                return variable.path("value").asText();
            }
        }
        throw new AssertionError("no env " + name);
    }

    private static String mountPath(JsonNode service, String volume) {
        for (JsonNode mount : service.at("/spec/template/spec/containers/0/volumeMounts")) {
            if (mount.path("name").asText().equals(volume)) {
                return mount.path("mountPath").asText();
            }
        }
        throw new AssertionError("no mount " + volume);
    }

    /** The application's configuration as a given profile sees it, with no environment. */
    private static SmallRyeConfig profileConfig(String profile) throws IOException {
        return dev.sealer.testsupport.ApplicationConfig.build(profile, Map.of());
    }

    private static Set<String> definedProfiles() throws IOException {
        Set<String> profiles = new HashSet<>();
        Matcher matcher = Pattern.compile("(?m)^%([a-z]+)\\.").matcher(Files.readString(PROPERTIES, StandardCharsets.UTF_8));
        while (matcher.find()) {
            profiles.add(matcher.group(1));
        }
        return profiles;
    }

    /**
     * Names an environment variable may have and mean something to the application: the environment
     * form of every property of its configuration mappings, variables referenced in
     * application.properties, and QUARKUS_PROFILE.
     */
    private static Set<String> knownEnvironmentNames() {
        Set<String> names = new HashSet<>();
        names.add("QUARKUS_PROFILE");
        for (Class<?> mapping : List.of(SealerConfig.class, SealedSecretConfig.class, AliyunKmsConfig.class, EmulatorConfig.class)) {
            addProperties(mapping.getAnnotation(ConfigMapping.class).prefix(), mapping, names);
        }
        try {
            Matcher matcher = Pattern.compile("\\$\\{([A-Z0-9_]+)[:}]").matcher(Files.readString(PROPERTIES, StandardCharsets.UTF_8));
            while (matcher.find()) {
                names.add(matcher.group(1));
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return names;
    }

    private static void addProperties(String prefix, Class<?> group, Set<String> names) {
        for (Method method : group.getMethods()) {
            if (method.getParameterCount() != 0 || method.isDefault()) {
                continue;
            }
            String property = prefix + "." + kebab(method.getName());
            Class<?> type = method.getReturnType();
            if (type.isInterface() && type.getName().startsWith("dev.sealer.")) {
                addProperties(property, type, names);
            } else {
                names.add(environmentForm(property));
            }
        }
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    private static String environmentForm(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }
}
