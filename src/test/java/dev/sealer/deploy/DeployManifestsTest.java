package dev.sealer.deploy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sealer.functions.runtime.SealedSecretConfig;
import dev.sealer.functions.runtime.SigningKeyLoader;
import dev.sealer.secret.KidResolver;
import dev.sealer.testsupport.ApplicationConfig;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.SmallRyeConfig;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every file under deploy/ checked against the application itself and against the platforms' rules
 * that bite, so that manifests and code cannot drift apart: ports, probe paths, routes, environment variable names, profiles, mount paths,
 * CloudEvent types; readiness probes without periodSeconds; a "restricted" securityContext; file
 * variables in optional mounts only where the application starts without the file; Triggers with a
 * dead-letter sink and an OIDC audience the service checks; confidential pods whose Secrets are sealed
 * pointers only; Function Compute functions with vpcConfig, an execution role only as a full ARN, logConfig,
 * authenticated triggers, no credential values and at most 4 KB in environment variables, credential files from
 * a mount whose NAS identity is not root; the guides' commands agree with the manifests.
 * Each document against its platform's own schema: {@link DeploySchemasTest}.
 * The JVM flags of the image and the memory limits are checked in {@link DockerImageTest}.
 */
@QuarkusTest
class DeployManifestsTest {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final Path DEPLOY = Path.of("deploy");
    static final Path KNATIVE = DEPLOY.resolve("knative");
    static final Path FC = DEPLOY.resolve("fc/s.yaml");
    private static final Path PROPERTIES = Path.of("src/main/resources/application.properties");
    /** Paths Kubernetes mounts into every pod by itself (the service-account token, its CA, the namespace). */
    private static final String SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount/";
    /** Environment variables that would carry a credential's value (FC: readable by GetFunction, 4 KB cap). */
    private static final Set<String> CREDENTIAL_VALUES = Set.of(
            "ALIYUN_KMS_CLIENT_KEY_JSON",
            "ALIYUN_KMS_PASSWORD",
            "ALIYUN_KMS_CA_PEM",
            "SEALER_API_TOKEN",
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
            "ALIBABA_CLOUD_SECURITY_TOKEN");

    private static final Pattern CREDENTIAL_CONTENT = Pattern.compile(
            "-----BEGIN|PrivateKeyData|ClientKeyPassword|\"d\"\\s*:|\\$\\{env\\(", Pattern.CASE_INSENSITIVE);

    @ConfigProperty(name = "quarkus.funqy.knative-events.mapping.seal.trigger")
    String sealType;

    @ConfigProperty(name = "quarkus.funqy.knative-events.mapping.unseal.trigger")
    String unsealType;

    @TempDir
    Path empty;

    @Test
    void everyFileUnderDeploy_isChecked() throws IOException {
        List<Path> files;
        try (var walk = Files.walk(DEPLOY)) {
            files = walk.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().endsWith(".md"))
                    // the confidential pod's initdata and trustee material: TeeInitdataTest
                    .filter(p -> !p.startsWith(KNATIVE.resolve("tee")))
                    .sorted()
                    .toList();
        }
        assertThat(files)
                .containsExactlyInAnyOrder(
                        FC,
                        KNATIVE.resolve("service.yaml"),
                        KNATIVE.resolve("service-tee.yaml"),
                        KNATIVE.resolve("secrets-tee.yaml"),
                        KNATIVE.resolve("broker.yaml"),
                        KNATIVE.resolve("triggers.yaml"),
                        KNATIVE.resolve("unseal-events.yaml"),
                        KNATIVE.resolve("config-features-serving.yaml"),
                        KNATIVE.resolve("config-features-eventing.yaml"));
        for (Path file : files) {
            assertThat(documents(file)).as(file.toString()).isNotEmpty();
        }
    }

    // ---- Knative Serving ------------------------------------------------------------------------------

    @Test
    void knativeServices_matchTheApplication() throws IOException {
        for (String file : List.of("service.yaml", "service-tee.yaml")) {
            JsonNode service = documents(KNATIVE.resolve(file)).get(0);
            assertThat(service.path("kind").asText()).as(file).isEqualTo("Service");
            assertThat(service.path("apiVersion").asText()).as(file).isEqualTo("serving.knative.dev/v1");
            JsonNode container = service.at("/spec/template/spec/containers/0");
            Map<String, String> env = env(container);
            String profile = env.getOrDefault("QUARKUS_PROFILE", "prod");
            assertThat(definedProfiles()).as(file).contains(profile.equals("prod") ? "user" : profile);
            SmallRyeConfig config = appConfig(profile, env);

            assertThat(container.at("/ports/0/containerPort").asInt())
                    .as(file)
                    .isEqualTo(config.getValue("quarkus.http.port", Integer.class));
            for (String probe : List.of("readinessProbe", "livenessProbe")) {
                String path = container.path(probe).at("/httpGet/path").asText();
                assertThat(path).as(file + " " + probe).startsWith("/q/health/");
                given().when().get(path).then().statusCode(200);
            }
            env.keySet()
                    .forEach(name -> assertThat(knownEnvironmentNames())
                            .as(file + " env " + name)
                            .contains(name));
            assertThat(config.getValue("sealed-secret.verification.skip", Boolean.class))
                    .as(file)
                    .isFalse();
            // every file or folder the application reads is mounted (or is one Kubernetes mounts itself)
            for (String property : List.of(
                    "aliyun.kms.credential-dir",
                    "sealer.api-token-file",
                    "sealed-secret.signing.jwk-file",
                    "sealed-secret.verification.kbs-resource-dir",
                    "sealer.auth.oidc.jwks-file",
                    "sealer.auth.oidc.jwks-url-ca-file",
                    "sealer.auth.oidc.jwks-url-token-file",
                    "sealer.events.unseal.recipient-jwk-file")) {
                Optional<String> value = config.getOptionalValue(property, String.class);
                if (value.isPresent() && !value.get().startsWith(SERVICE_ACCOUNT_DIR)) {
                    assertThat(mountOf(service, value.get()))
                            .as(file + ": " + property + " is mounted")
                            .isPresent();
                }
            }
        }
    }

    @Test
    void knativeReadinessProbes_haveNoPeriodSeconds() throws IOException {
        for (String file : List.of("service.yaml", "service-tee.yaml")) {
            JsonNode probe =
                    documents(KNATIVE.resolve(file)).get(0).at("/spec/template/spec/containers/0/readinessProbe");
            assertThat(readinessProbeDefects(probe)).as(file).isEmpty();
        }
        // the check itself can fail
        assertThat(readinessProbeDefects(YAML.readTree("httpGet: {path: /q/health/ready}\nperiodSeconds: 10")))
                .isNotEmpty();
    }

    /** Knative probes aggressively (every 50 ms at start) only without periodSeconds; it then refuses timeoutSeconds/failureThreshold. */
    static List<String> readinessProbeDefects(JsonNode probe) {
        List<String> defects = new ArrayList<>();
        for (String field : List.of("periodSeconds", "timeoutSeconds", "failureThreshold")) {
            if (probe.has(field)) {
                defects.add("readinessProbe." + field);
            }
        }
        return defects;
    }

    @Test
    void knativeContainers_passTheRestrictedPodSecurityLevel() throws IOException {
        for (String file : List.of("service.yaml", "service-tee.yaml", "broker.yaml")) {
            for (JsonNode document : documents(KNATIVE.resolve(file))) {
                if (!document.path("kind").asText().equals("Service")) {
                    continue;
                }
                assertThat(document.at("/spec/template/spec/securityContext").isMissingNode())
                        .as(file + ": pod-level securityContext needs a Knative feature flag")
                        .isTrue();
                for (JsonNode container : document.at("/spec/template/spec/containers")) {
                    assertThat(restrictedDefects(container.path("securityContext")))
                            .as(file)
                            .isEmpty();
                }
            }
        }
        assertThat(restrictedDefects(YAML.readTree("runAsNonRoot: true"))).isNotEmpty();
    }

    /** The Pod Security Standard "restricted", for what a container's securityContext must say. */
    static List<String> restrictedDefects(JsonNode context) {
        List<String> defects = new ArrayList<>();
        if (!context.path("runAsNonRoot").asBoolean(false)) {
            defects.add("runAsNonRoot must be true");
        }
        if (context.has("runAsUser") && context.path("runAsUser").asInt() == 0) {
            defects.add("runAsUser must not be 0");
        }
        if (context.path("allowPrivilegeEscalation").asBoolean(true)) {
            defects.add("allowPrivilegeEscalation must be false");
        }
        if (context.path("privileged").asBoolean(false)) {
            defects.add("privileged");
        }
        if (!context.at("/capabilities/drop").toString().contains("\"ALL\"")) {
            defects.add("capabilities.drop must contain ALL");
        }
        for (JsonNode added : context.at("/capabilities/add")) {
            if (!added.asText().equals("NET_BIND_SERVICE")) {
                defects.add("capability " + added.asText() + " added");
            }
        }
        String seccomp = context.at("/seccompProfile/type").asText();
        if (!seccomp.equals("RuntimeDefault") && !seccomp.equals("Localhost")) {
            defects.add("seccompProfile.type must be RuntimeDefault or Localhost");
        }
        return defects;
    }

    @Test
    void knativeServices_areClusterLocal() throws IOException {
        for (String file : List.of("service.yaml", "service-tee.yaml")) {
            assertThat(documents(KNATIVE.resolve(file))
                            .get(0)
                            .at("/metadata/labels")
                            .path("networking.knative.dev/visibility")
                            .asText())
                    .as(file)
                    .isEqualTo("cluster-local");
        }
    }

    @Test
    void fileVariablesInOptionalMounts_areOnesTheApplicationStartsWithout() throws IOException {
        for (String file : List.of("service.yaml", "service-tee.yaml")) {
            JsonNode service = documents(KNATIVE.resolve(file)).get(0);
            Map<String, String> env = env(service.at("/spec/template/spec/containers/0"));
            assertThat(optionalMountDefects(service, env)).as(file).isEmpty();
        }
        // the check can fail: the signing key's variable without the optional switch (the original defect),
        // and the token file in an optional mount
        JsonNode service = documents(KNATIVE.resolve("service.yaml")).get(0);
        Map<String, String> env = env(service.at("/spec/template/spec/containers/0"));
        env.remove("SEALED_SECRET_SIGNING_OPTIONAL");
        assertThat(optionalMountDefects(service, env)).hasSize(1);
        Map<String, String> tokenInOptional = env(service.at("/spec/template/spec/containers/0"));
        tokenInOptional.put("SEALER_API_TOKEN_FILE", tokenInOptional.get("SEALED_SECRET_SIGNING_JWK_FILE"));
        assertThat(optionalMountDefects(service, tokenInOptional)).isNotEmpty();
    }

    /**
     * Each variable whose value lies in an optional volume's mount is started here as the application
     * starts it, with that file absent; returns those the application cannot start without.
     */
    private List<String> optionalMountDefects(JsonNode service, Map<String, String> env) {
        List<String> defects = new ArrayList<>();
        String profile = env.getOrDefault("QUARKUS_PROFILE", "prod");
        for (Map.Entry<String, String> variable : env.entrySet()) {
            Optional<JsonNode> volume = mountOf(service, variable.getValue())
                    .flatMap(mount -> volume(service, mount.path("name").asText()));
            if (volume.isEmpty()
                    || !volume.get().at("/secret/optional").asBoolean(false)
                            && !volume.get().at("/configMap/optional").asBoolean(false)) {
                continue;
            }
            Map<String, String> absent = new HashMap<>(env);
            absent.put(
                    variable.getKey(),
                    empty.resolve("absent-" + variable.getKey()).toString());
            SmallRyeConfig config = appConfig(profile, absent);
            switch (variable.getKey()) {
                case "SEALED_SECRET_SIGNING_JWK_FILE" -> {
                    try {
                        SigningKeyLoader.load(
                                config.getConfigMapping(SealedSecretConfig.class)
                                        .signing(),
                                KidResolver.files(empty));
                    } catch (RuntimeException e) {
                        defects.add(variable.getKey() + ": the application does not start without it (" + e.getMessage()
                                + ")");
                    }
                }
                default ->
                    defects.add(
                            variable.getKey() + " points into an optional mount, and the application needs that file");
            }
        }
        return defects;
    }

    /**
     * The Knative guide keeps one name for each thing and the manifests as the source of truth: the signing key's
     * files are those {@code secret keygen --kid <kid> --output-dir <dir>} writes ({@code <kid>-private.json},
     * {@code <kid>-public.json}; guest-components' secret_cli.rs) from key generation to the Secrets; unseal over
     * events is turned on in the manifest (variables the application knows), never by {@code kn service update};
     * Eventing's feature flag belongs to the optional events step; a {@code secret seal} capture keeps the last
     * line (the tool prints a warning line first).
     */
    @Test
    void knativeGuide_keepsOneNameForEachThing_andTheManifestsAsTheSource() throws IOException {
        String guide = Files.readString(KNATIVE.resolve("README.md"), StandardCharsets.UTF_8);
        Matcher keygen = Pattern.compile("secret keygen --kid (\\S+) --output-dir \\./(\\S+)")
                .matcher(guide);
        assertThat(keygen.find()).as("secret keygen in the guide").isTrue();
        String files = keygen.group(2) + "/" + keygen.group(1);
        assertThat(guide)
                .contains("mkdir -p " + keygen.group(2))
                .contains("--from-file=sealer-signing-key=./" + files + "-public.json")
                .contains("--from-file=signing-key.jwk=./" + files + "-private.json")
                .doesNotContain("sealer.jwk")
                .doesNotContain("sealer.pub.jwk")
                .doesNotContain("kn service update");
        String fcGuide = Files.readString(DEPLOY.resolve("fc/README.md"), StandardCharsets.UTF_8);
        assertThat(fcGuide).contains(files + "-public.json").contains(files + "-private.json");

        int events = guide.indexOf("## 5. Events through a Broker (optional)");
        assertThat(events).isPositive();
        assertThat(guide.indexOf("config-features-eventing.yaml", guide.indexOf("## 0.")))
                .as("Eventing's flag is patched in the events step")
                .isGreaterThan(events);

        Map<String, String> env =
                env(documents(KNATIVE.resolve("service.yaml")).get(0).at("/spec/template/spec/containers/0"));
        assertThat(env).containsEntry("SEALER_EVENTS_UNSEAL_ENABLED", "false");
        Matcher snippet =
                Pattern.compile("- name: (SEALER_EVENTS_UNSEAL_[A-Z_]+)").matcher(guide);
        List<String> snippetNames = new ArrayList<>();
        while (snippet.find()) {
            snippetNames.add(snippet.group(1));
        }
        assertThat(snippetNames)
                .containsExactly("SEALER_EVENTS_UNSEAL_ENABLED", "SEALER_EVENTS_UNSEAL_RECIPIENT_JWK")
                .allSatisfy(name -> assertThat(knownEnvironmentNames()).contains(name));
        if (guide.contains("secret seal ")) {
            assertThat(guide).contains("| tail -n 1)");
        }
    }

    // ---- Confidential Containers ----------------------------------------------------------------------

    @Test
    void confidentialService_runsInTheTee_withSealedPointersOnly() throws IOException {
        JsonNode service = documents(KNATIVE.resolve("service-tee.yaml")).get(0);
        JsonNode spec = service.at("/spec/template/spec");
        assertThat(spec.path("runtimeClassName").asText()).startsWith("kata");
        assertThat(documents(KNATIVE.resolve("config-features-serving.yaml"))
                        .get(0)
                        .at("/data")
                        .path("kubernetes.podspec-runtimeclassname")
                        .asText())
                .isEqualTo("enabled");

        Map<String, String> env = env(spec.path("containers").get(0));
        assertThat(env.get("QUARKUS_PROFILE")).isEqualTo("tee");
        SmallRyeConfig config = appConfig("tee", env);
        assertThat(mountOf(service, config.getValue("aliyun.kms.credential-dir", String.class))
                        .map(m -> m.path("mountPath").asText()))
                .contains(config.getValue("aliyun.kms.credential-dir", String.class));

        // cold starts: VM boot, attestation and an in-guest image pull
        JsonNode annotations = service.at("/spec/template/metadata/annotations");
        assertThat(annotations.path("autoscaling.knative.dev/min-scale").asInt())
                .isGreaterThanOrEqualTo(1);
        assertThat(annotations.path("serving.knative.dev/progress-deadline").asText())
                .matches("\\d+s");
        assertThat(spec.path("timeoutSeconds").asInt()).isBetween(120, 600);

        // every Secret the pod mounts is in secrets-tee.yaml, and holds sealed secrets only
        Map<String, JsonNode> secrets = new HashMap<>();
        for (JsonNode secret : documents(KNATIVE.resolve("secrets-tee.yaml"))) {
            assertThat(secret.path("kind").asText()).isEqualTo("Secret");
            assertThat(secret.has("data"))
                    .as("values in stringData, readable as the sealed strings they are")
                    .isFalse();
            secret.path("stringData")
                    .fields()
                    .forEachRemaining(value -> assertThat(value.getValue().asText())
                            .as(secret.at("/metadata/name").asText() + "/" + value.getKey())
                            .startsWith("sealed.")
                            .doesNotContain("\n"));
            secrets.put(secret.at("/metadata/name").asText(), secret);
        }
        for (JsonNode volume : spec.path("volumes")) {
            assertThat(volume.has("secret"))
                    .as("volume " + volume.path("name").asText() + " is a Secret")
                    .isTrue();
            assertThat(secrets).containsKey(volume.at("/secret/secretName").asText());
        }
        // the credential files carry the names the KMS client looks for
        assertThat(secrets.get("aliyun-kms-credentials-sealed")
                        .path("stringData")
                        .fieldNames())
                .toIterable()
                .anyMatch(n -> n.startsWith("clientKey_"))
                .anyMatch(n -> n.startsWith("password_"))
                .anyMatch(n -> n.startsWith("PrivateKmsCA_"));
    }

    // ---- Knative Eventing -----------------------------------------------------------------------------

    @Test
    void knativeTriggers_haveADeadLetterSink_andTheAudienceTheServiceChecks() throws IOException {
        JsonNode service = documents(KNATIVE.resolve("service.yaml")).get(0);
        Map<String, String> env = env(service.at("/spec/template/spec/containers/0"));
        SmallRyeConfig config = appConfig("prod", env);
        String audience = config.getValue("sealer.auth.oidc.audience", String.class);
        Map<String, List<String>> subjectsByType = Map.of(
                sealType, config.getValues("sealer.auth.oidc.seal-subjects", String.class),
                unsealType, config.getValues("sealer.auth.oidc.unseal-subjects", String.class));
        assertThat(config.getValue("sealer.auth.oidc.enabled", Boolean.class)).isTrue();
        // the confidential service trusts no token of the cluster's API server (tee refuses it without an opt-in)
        assertThat(env(documents(KNATIVE.resolve("service-tee.yaml")).get(0).at("/spec/template/spec/containers/0")))
                .doesNotContainKeys(oidcOnly(env).keySet().toArray(String[]::new));
        assertThat(documents(KNATIVE.resolve("config-features-eventing.yaml"))
                        .get(0)
                        .at("/data")
                        .path("authentication-oidc")
                        .asText())
                .isEqualTo("enabled");

        List<JsonNode> brokerFile = documents(KNATIVE.resolve("broker.yaml"));
        Set<String> brokers = new HashSet<>();
        Set<String> sinks = new HashSet<>();
        for (JsonNode document : brokerFile) {
            if (document.path("kind").asText().equals("Broker")) {
                brokers.add(document.at("/metadata/name").asText());
                assertThat(deadLetterDefects(document.at("/spec/delivery"))).isEmpty();
            } else if (document.path("kind").asText().equals("Service")) {
                sinks.add(document.at("/metadata/name").asText());
            }
        }

        List<String> types = new ArrayList<>();
        for (String file : List.of("triggers.yaml", "unseal-events.yaml")) {
            for (JsonNode trigger : documents(KNATIVE.resolve(file))) {
                String name = trigger.at("/metadata/name").asText();
                assertThat(trigger.path("kind").asText()).isEqualTo("Trigger");
                assertThat(brokers).as(name).contains(trigger.at("/spec/broker").asText());
                assertThat(trigger.at("/spec/subscriber/ref/name").asText())
                        .as(name)
                        .isEqualTo(service.at("/metadata/name").asText());
                assertThat(trigger.at("/spec/subscriber/audience").asText())
                        .as(name + ": the audience the service checks")
                        .isEqualTo(audience);
                assertThat(subjectsByType.get(
                                trigger.at("/spec/filter/attributes/type").asText()))
                        .as(name + ": its OIDC service account is listed for the function its events run")
                        .contains("system:serviceaccount:"
                                + trigger.at("/metadata/namespace").asText() + ":" + triggerServiceAccount(name));
                assertThat(deadLetterDefects(trigger.at("/spec/delivery")))
                        .as(name)
                        .isEmpty();
                assertThat(sinks)
                        .as(name)
                        .contains(trigger.at("/spec/delivery/deadLetterSink/ref/name")
                                .asText());
                types.add(trigger.at("/spec/filter/attributes/type").asText());
            }
        }
        assertThat(types).containsExactlyInAnyOrder(sealType, unsealType);
        assertThat(deadLetterDefects(YAML.readTree("retry: 3"))).isNotEmpty();
    }

    private static Map<String, String> oidcOnly(Map<String, String> env) {
        Map<String, String> oidc = new LinkedHashMap<>(env);
        oidc.keySet().removeIf(name -> !name.startsWith("SEALER_AUTH_OIDC_"));
        return oidc;
    }

    static List<String> deadLetterDefects(JsonNode delivery) {
        JsonNode sink = delivery.path("deadLetterSink");
        return sink.has("ref") || sink.has("uri") ? List.of() : List.of("delivery.deadLetterSink missing");
    }

    /** Eventing's OIDC service account of a Trigger (pkg/auth/serviceaccount.go, for names that need no hashing). */
    private static String triggerServiceAccount(String trigger) {
        String name = trigger + "-oidc-eventing.knative.dev-trigger";
        assertThat(name.length())
                .as("Eventing hashes longer names: take status.auth.serviceAccountName")
                .isLessThanOrEqualTo(63);
        return name.toLowerCase(Locale.ROOT);
    }

    // ---- Function Compute -----------------------------------------------------------------------------

    @Test
    void functionComputeDeployment_matchesTheApplication() throws IOException {
        JsonNode s = documents(FC).get(0);
        assertThat(s.path("edition").asText()).startsWith("3.");
        List<String> handlers = new ArrayList<>();
        for (Map.Entry<String, JsonNode> resource : fields(s.path("resources"))) {
            JsonNode props = resolveVars(s, resource.getValue().path("props"));
            String name = resource.getKey();
            assertThat(resource.getValue().path("component").asText()).isEqualTo("fc3");
            assertThat(props.path("runtime").asText()).isEqualTo("custom-container");
            Map<String, String> env = new LinkedHashMap<>();
            fields(props.path("environmentVariables"))
                    .forEach(e -> env.put(e.getKey(), e.getValue().asText()));
            SmallRyeConfig config = appConfig(env.get("QUARKUS_PROFILE"), env);
            assertThat(env.get("QUARKUS_PROFILE")).isEqualTo("fc");
            env.keySet()
                    .forEach(variable -> assertThat(knownEnvironmentNames())
                            .as(name + " env " + variable)
                            .contains(variable));
            assertThat(props.at("/customContainerConfig/port").asInt())
                    .isEqualTo(config.getValue("quarkus.http.port", Integer.class));
            assertThat(props.at("/instanceLifecycleConfig/initializer/handler").asText())
                    .isNotEmpty();
            assertThat(props.path("timeout").asInt()).as("fc3's default is 3 s").isGreaterThanOrEqualTo(30);
            int memory = props.path("memorySize").asInt();
            assertThat(memory % 64).isZero();
            double cpu = props.path("cpu").asDouble();
            assertThat(memory / 1024.0 / cpu)
                    .as("cpu : memory GB between 1:1 and 1:4")
                    .isBetween(1.0, 4.0);
            // the function /invoke runs, by its own variable
            assertThat(config.getValue("sealer.function-compute.function", String.class))
                    .isEqualTo(name);
            handlers.add(name);

            assertThat(functionComputeDefects(props, config)).as(name).isEmpty();
        }
        assertThat(handlers).containsExactlyInAnyOrder("seal", "unseal");

        // the routes FC uses exist: /initialize, /invoke (by the function's variable or the header), the triggers'
        // paths
        given().when().post("/initialize").then().statusCode(200);
        for (String handler : handlers) {
            given().contentType("application/json")
                    .body("{}")
                    .when()
                    .post("/" + handler)
                    .then()
                    .statusCode(400);
            given().header("x-fc-function-handler", handler)
                    .body("{}")
                    .when()
                    .post("/invoke")
                    .then()
                    .header("x-fc-status", "404")
                    .statusCode(400);
        }
    }

    /** The shipped {@code seal} function of s.yaml, the base each defect below is added to. */
    private record ShippedFunction(JsonNode props, SmallRyeConfig config) {
        ObjectNode copy() {
            return props.deepCopy();
        }
    }

    private static ShippedFunction shippedSealFunction() throws IOException {
        JsonNode s = documents(FC).get(0);
        JsonNode good = resolveVars(s, s.at("/resources/seal/props"));
        Map<String, String> env = new LinkedHashMap<>();
        fields(good.path("environmentVariables"))
                .forEach(e -> env.put(e.getKey(), e.getValue().asText()));
        return new ShippedFunction(good, appConfig("fc", env));
    }

    @Test
    void functionComputeChecks_passTheShippedFunction() throws IOException {
        ShippedFunction good = shippedSealFunction();
        assertThat(functionComputeDefects(good.props(), good.config())).isEmpty();
    }

    @Test
    void functionComputeChecks_refuseAFunctionWithoutVpcLogOrNasConfig() throws IOException {
        ShippedFunction good = shippedSealFunction();
        for (String field : List.of("vpcConfig", "logConfig", "nasConfig")) {
            ObjectNode bad = good.copy();
            bad.remove(field);
            assertThat(functionComputeDefects(bad, good.config()))
                    .as("without " + field)
                    .isNotEmpty();
        }
    }

    @Test
    void functionComputeChecks_acceptNoExecutionRole_andOneOnlyAsAFullArn() throws IOException {
        // no execution role is fine (none is needed but for ecs_ram_role vault secrets); one must be a full ARN
        ShippedFunction good = shippedSealFunction();
        assertThat(good.props().has("role")).isFalse();
        ObjectNode role = good.copy();
        role.put("role", "acs:ram::123456789012:role/aliyun-kms-sealer-fc");
        assertThat(functionComputeDefects(role, good.config())).isEmpty();
        role.put("role", "aliyun-kms-sealer-fc");
        assertThat(functionComputeDefects(role, good.config())).isNotEmpty();
    }

    @Test
    void functionComputeChecks_refuseRootAsTheNasIdentity() throws IOException {
        // root on the NAS mount owns the credential files: it could change them
        ShippedFunction good = shippedSealFunction();
        for (String id : List.of("userId", "groupId")) {
            ObjectNode root = good.copy();
            ((ObjectNode) root.path("nasConfig")).put(id, 0);
            assertThat(functionComputeDefects(root, good.config()))
                    .as(id + " 0")
                    .isNotEmpty();
        }
    }

    @Test
    void functionComputeChecks_refuseAnAnonymousTrigger() throws IOException {
        ShippedFunction good = shippedSealFunction();
        ObjectNode anonymous = good.copy();
        ((ObjectNode) anonymous.at("/triggers/0/triggerConfig")).put("authType", "anonymous");
        assertThat(functionComputeDefects(anonymous, good.config())).isNotEmpty();
    }

    @Test
    void functionComputeChecks_refuseCredentialValues_andEnvironmentsOver4KB() throws IOException {
        ShippedFunction good = shippedSealFunction();
        ObjectNode credentials = good.copy();
        ((ObjectNode) credentials.path("environmentVariables"))
                .put("ALIYUN_KMS_CLIENT_KEY_JSON", "{\"KeyId\":\"KAAP.x\",\"PrivateKeyData\":\"MII...\"}");
        assertThat(functionComputeDefects(credentials, good.config())).isNotEmpty();
        ObjectNode large = good.copy();
        ((ObjectNode) large.path("environmentVariables")).put("ALIYUN_KMS_KEY_ID", "k".repeat(4000));
        assertThat(functionComputeDefects(large, good.config())).isNotEmpty();
    }

    @Test
    void functionComputeChecks_refuseAFileVariableOutsideTheNasMount() throws IOException {
        ObjectNode unmounted = shippedSealFunction().copy();
        ((ObjectNode) unmounted.path("environmentVariables"))
                .put("SEALED_SECRET_SIGNING_JWK_FILE", "/code/signing-key.jwk");
        assertThat(functionComputeDefects(
                        unmounted, appConfig("fc", Map.of("SEALED_SECRET_SIGNING_JWK_FILE", "/code/signing-key.jwk"))))
                .isNotEmpty();
    }

    /**
     * The Function Compute guide's commands use what {@code s.yaml} says: the image is {@code vars.image}, the NAS
     * copy mounts {@code vars.nasServer} over TLS (as the functions do) into a folder it creates first, and the
     * files end up owned by root, with the functions' NAS group ({@code nasConfig.groupId}) reading only.
     */
    @Test
    void functionComputeGuide_matchesSYaml() throws IOException {
        JsonNode s = documents(FC).get(0);
        String guide = Files.readString(DEPLOY.resolve("fc/README.md"), StandardCharsets.UTF_8);
        String image = s.at("/vars/image").asText();
        Matcher images = Pattern.compile("registry\\.[a-z0-9-]+\\.aliyuncs\\.com/[^ `:]+:[^ `]+")
                .matcher(guide);
        int count = 0;
        while (images.find()) {
            assertThat(images.group()).isEqualTo(image);
            count++;
        }
        assertThat(count)
                .as("image references in the guide (docker build, Jib)")
                .isGreaterThanOrEqualTo(2);
        assertThat(guide).doesNotContain("<namespace>");
        assertThat(guide)
                .contains("sudo mkdir -p /mnt/nas\n")
                .contains("sudo mount -t alinas -o tls,vers=3 "
                        + s.at("/vars/nasServer").asText() + ":/ /mnt/nas");
        for (Map.Entry<String, JsonNode> resource : fields(s.path("resources"))) {
            JsonNode nas = resource.getValue().at("/props/nasConfig");
            assertThat(nas.path("mountPoints"))
                    .allSatisfy(m -> assertThat(m.path("enableTLS").asBoolean()).isTrue());
            assertThat(guide)
                    .contains("sudo chown -R 0:" + nas.path("groupId").asInt() + " /mnt/nas/sealer")
                    .contains("sudo chmod -R u=rwX,g=rX,o= /mnt/nas/sealer");
            assertThat(nas.path("userId").asInt()).as("not the files' owner").isNotZero();
        }
    }

    /** What FC 3.0 and devsapp/fc3 need for this application, as a list of defects (each says why). */
    static List<String> functionComputeDefects(JsonNode props, SmallRyeConfig config) {
        List<String> defects = new ArrayList<>();
        JsonNode vpc = props.path("vpcConfig");
        if (!vpc.path("vpcId").isTextual()
                || !vpc.path("vSwitchIds").isArray()
                || !vpc.path("securityGroupId").isTextual()) {
            defects.add(
                    "vpcConfig {vpcId, vSwitchIds, securityGroupId}: the KMS instance is reachable only from its VPC");
        }
        if (props.has("role") && !props.path("role").asText().matches("acs:ram::[^:]+:role/.+")) {
            defects.add("role: a full RAM role ARN (or none: the execution role is needed only for ecs_ram_role)");
        }
        JsonNode nas = props.path("nasConfig");
        if (nas.isObject()
                && (nas.path("userId").asInt(0) <= 0 || nas.path("groupId").asInt(0) <= 0)) {
            defects.add(
                    "nasConfig userId/groupId: the functions' identity on NAS must not be root, who owns the files");
        }
        JsonNode log = props.path("logConfig");
        if (!log.asText().equals("auto") && !(log.has("project") && log.has("logstore"))) {
            defects.add("logConfig: auto (s logs needs it)");
        }
        JsonNode triggers = props.path("triggers");
        for (JsonNode trigger : triggers) {
            String authType = trigger.at("/triggerConfig/authType").asText();
            if (!authType.equals("function") && !authType.equals("jwt")) {
                defects.add("trigger " + trigger.path("triggerName").asText() + ": authType " + authType);
            }
        }
        int size = 0;
        for (Map.Entry<String, JsonNode> variable : fields(props.path("environmentVariables"))) {
            size += variable.getKey().length()
                    + 1
                    + variable.getValue().asText().length()
                    + 1;
            if (!variable.getValue().isTextual()) {
                defects.add("env " + variable.getKey() + ": values must be strings");
            }
            if (CREDENTIAL_VALUES.contains(variable.getKey())
                    || CREDENTIAL_CONTENT.matcher(variable.getValue().asText()).find()) {
                defects.add("env " + variable.getKey() + ": a credential value in an environment variable");
            }
        }
        if (size > 4096) {
            defects.add("environment variables: " + size + " bytes, FC allows 4 KB in all");
        }
        // with FC's authentication in front, the application must neither expect its own token nor refuse to start
        if (triggers.size() > 0
                && !config.getOptionalValue("sealer.allow-unauthenticated", Boolean.class)
                        .orElse(false)) {
            defects.add(
                    "sealer.allow-unauthenticated: FC authenticates (authType function), the Authorization header is its signature");
        }
        // every file and folder the application reads is in a NAS or OSS mount
        List<String> mounts = new ArrayList<>();
        props.at("/nasConfig/mountPoints")
                .forEach(m -> mounts.add(m.path("mountDir").asText()));
        props.at("/ossMountConfig/mountPoints")
                .forEach(m -> mounts.add(m.path("mountDir").asText()));
        for (String property : List.of(
                "aliyun.kms.credential-dir",
                "sealed-secret.verification.key-dir",
                "sealed-secret.verification.kbs-resource-dir",
                "sealed-secret.signing.jwk-file",
                "sealer.api-token-file")) {
            Optional<String> path = config.getOptionalValue(property, String.class);
            if (path.isPresent()
                    && mounts.stream()
                            .noneMatch(m -> path.get().equals(m) || path.get().startsWith(m + "/"))) {
                defects.add(property + " " + path.get() + " is in no NAS/OSS mount");
            }
        }
        return defects;
    }

    // ---- helpers --------------------------------------------------------------------------------------

    static List<JsonNode> documents(Path file) throws IOException {
        try (var parser = YAML.getFactory().createParser(file.toFile())) {
            return YAML.readValues(parser, JsonNode.class).readAll().stream()
                    .filter(d -> d != null && !d.isNull())
                    .toList();
        }
    }

    static List<Map.Entry<String, JsonNode>> fields(JsonNode node) {
        List<Map.Entry<String, JsonNode>> list = new ArrayList<>();
        node.fields().forEachRemaining(list::add);
        return list;
    }

    /** Replaces {@code ${vars.x}} (whole values) as Serverless Devs does. */
    static JsonNode resolveVars(JsonNode s, JsonNode node) {
        if (node.isTextual()) {
            Matcher whole = Pattern.compile("\\$\\{vars\\.([A-Za-z0-9_]+)}").matcher(node.asText());
            if (whole.matches()) {
                return s.at("/vars/" + whole.group(1)).deepCopy();
            }
            Matcher part = Pattern.compile("\\$\\{vars\\.([A-Za-z0-9_]+)}").matcher(node.asText());
            StringBuilder out = new StringBuilder();
            while (part.find()) {
                part.appendReplacement(
                        out,
                        Matcher.quoteReplacement(s.at("/vars/" + part.group(1)).asText()));
            }
            part.appendTail(out);
            return YAML.getNodeFactory().textNode(out.toString());
        }
        if (node.isObject()) {
            com.fasterxml.jackson.databind.node.ObjectNode copy = YAML.createObjectNode();
            node.fields().forEachRemaining(e -> copy.set(e.getKey(), resolveVars(s, e.getValue())));
            return copy;
        }
        if (node.isArray()) {
            com.fasterxml.jackson.databind.node.ArrayNode copy = YAML.createArrayNode();
            node.forEach(e -> copy.add(resolveVars(s, e)));
            return copy;
        }
        return node;
    }

    static Map<String, String> env(JsonNode container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode variable : container.path("env")) {
            assertThat(variable.has("valueFrom"))
                    .as("env %s: values are written out", variable.path("name").asText())
                    .isFalse();
            env.put(variable.path("name").asText(), variable.path("value").asText());
        }
        return env;
    }

    private static Optional<JsonNode> mountOf(JsonNode service, String path) {
        JsonNode best = null;
        for (JsonNode mount : service.at("/spec/template/spec/containers/0/volumeMounts")) {
            String at = mount.path("mountPath").asText();
            if ((path.equals(at) || path.startsWith(at + "/"))
                    && (best == null
                            || at.length() > best.path("mountPath").asText().length())) {
                best = mount;
            }
        }
        return Optional.ofNullable(best);
    }

    private static Optional<JsonNode> volume(JsonNode service, String name) {
        for (JsonNode volume : service.at("/spec/template/spec/volumes")) {
            if (volume.path("name").asText().equals(name)) {
                return Optional.of(volume);
            }
        }
        return Optional.empty();
    }

    /** The application's configuration for a profile with these environment variables, as the application reads them. */
    static SmallRyeConfig appConfig(String profile, Map<String, String> env) {
        Map<String, String> properties = new HashMap<>();
        Map<String, String> byEnvironmentName = environmentToProperty();
        env.forEach((name, value) -> {
            if (byEnvironmentName.containsKey(name)) {
                properties.put(byEnvironmentName.get(name), value);
            }
        });
        return ApplicationConfig.build(profile, properties);
    }

    private static Set<String> definedProfiles() throws IOException {
        Set<String> profiles = new HashSet<>();
        Matcher matcher =
                Pattern.compile("(?m)^%([a-z]+)\\.").matcher(Files.readString(PROPERTIES, StandardCharsets.UTF_8));
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
    static Set<String> knownEnvironmentNames() {
        Set<String> names = new HashSet<>(environmentToProperty().keySet());
        names.add("QUARKUS_PROFILE");
        try {
            Matcher matcher = Pattern.compile("\\$\\{([A-Z0-9_]+)[:}]")
                    .matcher(Files.readString(PROPERTIES, StandardCharsets.UTF_8));
            while (matcher.find()) {
                names.add(matcher.group(1));
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return names;
    }

    private static Map<String, String> environmentToProperty() {
        Map<String, String> names = new HashMap<>();
        for (Class<?> mapping : ApplicationConfig.MAPPINGS) {
            addProperties(mapping.getAnnotation(ConfigMapping.class).prefix(), mapping, names);
        }
        return names;
    }

    private static void addProperties(String prefix, Class<?> group, Map<String, String> names) {
        for (Method method : group.getMethods()) {
            if (method.getParameterCount() != 0 || method.isDefault()) {
                continue;
            }
            String property = prefix + "." + kebab(method.getName());
            Class<?> type = method.getReturnType();
            if (type.isInterface() && type.getName().startsWith("dev.sealer.")) {
                addProperties(property, type, names);
            } else {
                names.put(property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT), property);
            }
        }
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
