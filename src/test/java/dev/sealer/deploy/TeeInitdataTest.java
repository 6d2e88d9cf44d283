package dev.sealer.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The initdata of the confidential pod (deploy/knative/tee), read back the way kata and trustee read it:
 * the annotation {@code io.katacontainers.config.hypervisor.cc_init_data} of service-tee.yaml decoded as
 * kata's runtime decodes it (standard base64, gzip, TOML with version, algorithm and data; kata-containers
 * 7c6ba40c src/runtime/pkg/oci/utils.go), its aa.toml and cdh.toml parsed (the KBS URL and certificate), its
 * agent policy read for the refusals and the pins, its policy_data read as trustee reads it (from
 * {@code policy_data := {} to the end, as JSON), and the production resource policy bound to its digest.
 * make-initdata.sh is run to show that it writes exactly what is committed, and that it refuses input it
 * cannot carry. (Whether kata's agent and trustee accept all of this needs a cluster and a KBS: not
 * verified here.)
 */
class TeeInitdataTest {

    static final Path TEE = Path.of("deploy/knative/tee");
    static final Path SERVICE_TEE = Path.of("deploy/knative/service-tee.yaml");
    static final String ANNOTATION = "io.katacontainers.config.hypervisor.cc_init_data";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final TomlMapper TOML = new TomlMapper();
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The requests kata's agent asks its policy about, as genpolicy's rules.rego (kata-containers 7c6ba40c)
     * lists their defaults. A request whose rule is undefined is refused by the agent; the lists below say
     * which of them this policy refuses outright and which it allows, so none is left to chance.
     */
    static final Set<String> AGENT_REQUESTS = Set.of(
            "AddARPNeighborsRequest",
            "AddSwapPathRequest",
            "AddSwapRequest",
            "CloseStdinRequest",
            "CopyFileRequest",
            "CreateContainerRequest",
            "CreateSandboxRequest",
            "DestroySandboxRequest",
            "ExecProcessRequest",
            "GetDiagnosticDataRequest",
            "GetIPTablesRequest",
            "GetMetricsRequest",
            "GetOOMEventRequest",
            "GuestDetailsRequest",
            "ListInterfacesRequest",
            "ListRoutesRequest",
            "MemAgentCompactConfig",
            "MemAgentMemcgConfig",
            "MemHotplugByProbeRequest",
            "OnlineCPUMemRequest",
            "PauseContainerRequest",
            "ReadStreamRequest",
            "RemoveContainerRequest",
            "RemoveStaleVirtiofsShareMountsRequest",
            "ReseedRandomDevRequest",
            "ResizeVolumeRequest",
            "ResumeContainerRequest",
            "SetGuestDateTimeRequest",
            "SetIPTablesRequest",
            "SetPolicyRequest",
            "SignalProcessRequest",
            "StartContainerRequest",
            "StartTracingRequest",
            "StatsContainerRequest",
            "StopTracingRequest",
            "TtyWinResizeRequest",
            "UpdateContainerRequest",
            "UpdateEphemeralMountsRequest",
            "UpdateInterfaceRequest",
            "UpdateRoutesRequest",
            "VolumeStatsRequest",
            "WaitProcessRequest",
            "WriteStreamRequest");
    /** What the issue requires refused, and what else gives the host a way in (a shell, streams, a new policy). */
    static final Set<String> ALWAYS_REFUSED = Set.of(
            "ExecProcessRequest",
            "ReadStreamRequest",
            "SetPolicyRequest",
            "WriteStreamRequest",
            "CloseStdinRequest",
            "GetDiagnosticDataRequest",
            "StartTracingRequest",
            "UpdateEphemeralMountsRequest",
            "SetGuestDateTimeRequest",
            "PauseContainerRequest",
            "UpdateContainerRequest");

    @TempDir
    Path work;

    static JsonNode serviceTee() throws IOException {
        return YAML.readTree(SERVICE_TEE.toFile());
    }

    /** Decodes the annotation exactly as kata's runtime does: standard base64 (padded), gzip, UTF-8 TOML. */
    static String decode(String annotation) throws IOException {
        byte[] gzip = Base64.getDecoder().decode(annotation);
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static String annotation(JsonNode service) {
        return service.at("/spec/template/metadata/annotations")
                .path(ANNOTATION)
                .asText();
    }

    @Test
    void manifest_carriesTheInitdata_onThePodTemplate() throws IOException {
        JsonNode service = serviceTee();
        String annotation = annotation(service);

        assertThat(annotation)
                .as("the pod template's annotation (Knative copies it to the pod)")
                .isNotBlank();
        assertThat(annotation).matches("[A-Za-z0-9+/]+={0,2}");
        assertThat(service.at("/metadata/annotations").path(ANNOTATION).isMissingNode())
                .as("not on the Knative Service itself, where the runtime never sees it")
                .isTrue();
        assertThat(decode(annotation)).isEqualTo(Files.readString(TEE.resolve("initdata.toml")));
    }

    @Test
    void initdata_isKatasFormat_withTheCommittedParts() throws IOException {
        JsonNode initdata = TOML.readTree(decode(annotation(serviceTee())));

        assertThat(initdata.path("version").asText()).isEqualTo("0.1.0");
        assertThat(initdata.path("algorithm").asText()).isEqualTo("sha256");
        JsonNode data = initdata.path("data");
        assertThat(fieldNames(data)).containsExactlyInAnyOrder("aa.toml", "cdh.toml", "policy.rego");
        assertThat(data.path("aa.toml").asText()).isEqualTo(Files.readString(TEE.resolve("aa.toml")));
        assertThat(data.path("cdh.toml").asText()).isEqualTo(Files.readString(TEE.resolve("cdh.toml")));
        assertThat(data.path("policy.rego").asText()).isEqualTo(Files.readString(TEE.resolve("policy.rego")));
    }

    @Test
    void attestationAgentAndCdh_nameTheSameKbs_overHttps_withItsCertificate() throws Exception {
        JsonNode data = TOML.readTree(decode(annotation(serviceTee()))).path("data");
        JsonNode aa = TOML.readTree(data.path("aa.toml").asText());
        JsonNode cdh = TOML.readTree(data.path("cdh.toml").asText());

        String kbs = aa.at("/token_configs/kbs/url").asText();
        assertThat(URI.create(kbs).getScheme()).isEqualTo("https");
        assertThat(cdh.at("/kbc/name").asText()).isEqualTo("cc_kbc");
        assertThat(cdh.at("/kbc/url").asText()).isEqualTo(kbs);
        X509Certificate aaCert = certificate(aa.at("/token_configs/kbs/cert").asText());
        X509Certificate cdhCert = certificate(cdh.at("/kbc/kbs_cert").asText());
        assertThat(cdhCert).isEqualTo(aaCert);
        // the guest checks the image it pulls against a signature policy from KBS (the agent policy cannot pin it)
        assertThat(cdh.at("/image/image_security_policy_uri").asText()).startsWith("kbs:///default/security-policy/");
        JsonNode imagePolicy =
                JSON.readTree(TEE.resolve("trustee/image-policy.json").toFile());
        assertThat(imagePolicy.at("/default/0/type").asText()).isEqualTo("reject");
    }

    @Test
    void agentPolicy_refusesExecStreamsAndPolicyChanges_andDecidesEveryRequest() throws IOException {
        String policy = policyFromAnnotation();
        Map<String, String> defaults = defaults(policy);

        assertThat(defaults.keySet())
                .as("every request kata asks about has a default")
                .containsAll(AGENT_REQUESTS);
        for (String request : ALWAYS_REFUSED) {
            assertThat(defaults.get(request)).as(request).isEqualTo("false");
            assertThat(policy)
                    .as(request + " has no rule that could allow it")
                    .doesNotContainPattern("(?m)^" + request + "\\b(?! :=)");
        }
        assertThat(defaults.get("CopyFileRequest")).isEqualTo("false");
        assertThat(defaults.get("CreateContainerRequest")).isEqualTo("false");
        // CopyFile only into the shared-files directory of the sandbox (the runtime's copies of mounted files)
        assertThat(rulesOf(policy, "CopyFileRequest"))
                .isNotEmpty()
                .allSatisfy(rule -> assertThat(rule).contains("shared_files").contains("no_traversal(input.path)"));
        assertThat(policy).contains("shared_files := \"^/run/kata-containers/shared/containers");
        // loopback stays inside the guest: no interface, route or neighbour change may touch it
        for (String request : List.of("UpdateInterfaceRequest", "UpdateRoutesRequest", "AddARPNeighborsRequest")) {
            assertThat(defaults.get(request)).as(request).isEqualTo("false");
            assertThat(rulesOf(policy, request))
                    .as(request)
                    .singleElement()
                    .asString()
                    .contains("\"lo\"");
        }
    }

    @Test
    void agentPolicy_pinsTheSealerContainer_asTheManifestDescribesIt() throws IOException {
        String policy = policyFromAnnotation();
        JsonNode policyData = policyData(policy);
        JsonNode container = serviceTee().at("/spec/template/spec/containers/0");
        JsonNode pinned = policyData.path("containers").get(0);
        assertThat(policyData.path("containers")).hasSize(2);

        assertThat(pinned.path("name").asText())
                .isEqualTo(container.path("name").asText());
        assertThat(pinned.path("image").asText())
                .isEqualTo(container.path("image").asText())
                .matches(".+@sha256:[0-9a-f]{64}");
        assertThat(strings(pinned.path("args"))).isEqualTo(strings(container.path("command")));
        // no mount but the runtime's and the manifest's volumes
        List<String> mounts = new ArrayList<>();
        container
                .path("volumeMounts")
                .forEach(m -> mounts.add(m.path("mountPath").asText()));
        assertThat(strings(pinned.path("mounts"))).containsExactlyInAnyOrderElementsOf(mounts);
        assertThat(strings(policyData.path("runtime_mounts")))
                .doesNotContain("/usr/local/bin", "/opt/java/openjdk", "/deployments", "/");
        assertThat(pinned.path("uid").asInt())
                .isEqualTo(container.at("/securityContext/runAsUser").asInt());
        // every application variable of the manifest, with its value, and no other
        List<String> prefixes = strings(pinned.path("pinned_env_prefixes"));
        assertThat(prefixes).contains("SEALER_", "SEALED_SECRET_", "ALIYUN_", "QUARKUS_");
        Set<String> manifestEnv = new TreeSet<>();
        for (JsonNode variable : container.path("env")) {
            String name = variable.path("name").asText();
            assertThat(variable.has("value"))
                    .as(name + ": a literal value the policy can pin")
                    .isTrue();
            if (prefixes.stream().anyMatch(name::startsWith)) {
                manifestEnv.add(name + "=" + variable.path("value").asText());
            }
        }
        assertThat(new TreeSet<>(strings(pinned.path("env")))).isEqualTo(manifestEnv);
        assertThat(strings(policyData.path("forbidden_env")))
                .contains("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");
        assertThat(strings(pinned.path("opt_in_args")))
                .allMatch(a -> a.equals("-Dsealer.tee.accept-cluster-oidc=true")
                        || a.equals("-Dsealer.tee.seal.enabled=true"));
        // queue-proxy (Knative's, inside the guest too): its image by digest, and it forwards only to the service port
        JsonNode queueProxy = policyData.path("containers").get(1);
        assertThat(queueProxy.path("name").asText()).isEqualTo("queue-proxy");
        assertThat(queueProxy.path("image").asText()).matches(".+/queue@sha256:[0-9a-f]{64}");
        assertThat(strings(queueProxy.path("env")))
                .containsExactly(
                        "USER_PORT=" + container.at("/ports/0/containerPort").asInt());
        assertThat(strings(queueProxy.path("pinned_env_prefixes"))).containsExactly("USER_PORT=");
        // only the sandbox and the containers of policy_data may be created
        assertThat(rulesOf(policy, "CreateContainerRequest")).hasSize(2);
    }

    @Test
    void productionResourcePolicy_isBoundToTheInitdataDigest_andRefusesSampleEvidence() throws Exception {
        byte[] initdata = decode(annotation(serviceTee())).getBytes(StandardCharsets.UTF_8);
        String sha256 =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(initdata));
        String policy = Files.readString(TEE.resolve("trustee/resource-policy.rego"));

        // TDX carries the digest in mr_config_id (48 bytes, zero-padded), SNP in host_data (32 bytes)
        assertThat(policy).contains("tdx_init_data := \"" + sha256 + "0".repeat(32) + "\"");
        assertThat(policy).contains("snp_init_data := \"" + sha256 + "\"");
        assertThat(policy).contains("evidence.init_data == tdx_init_data", "evidence.init_data == snp_init_data");
        assertThat(policy).contains("not evidence.sample", "[\"ear.status\"] == \"affirming\"");
        assertThat(policy).startsWith("# KBS resource policy for PRODUCTION");

        String trial = Files.readString(TEE.resolve("trustee/resource-policy-coco-dev-trial.rego"));
        assertThat(trial).startsWith("# !!! TRIAL ONLY: NO SECURITY.");
        assertThat(Files.readString(TEE.resolve("trustee/image-policy-coco-dev-trial.json")))
                .contains("insecureAcceptAnything");
    }

    @Test
    void makeInitdata_writesExactlyWhatIsCommitted() throws Exception {
        Path copy = copyDeploy();

        Process process = run(copy.resolve("tee/make-initdata.sh"));

        assertThat(process.exitValue()).as(output(process)).isZero();
        assertThat(Files.readString(copy.resolve("tee/initdata.toml")))
                .isEqualTo(Files.readString(TEE.resolve("initdata.toml")));
        assertThat(annotation(YAML.readTree(copy.resolve("service-tee.yaml").toFile())))
                .isEqualTo(annotation(serviceTee()));
        assertThat(Files.readString(copy.resolve("tee/trustee/resource-policy.rego")))
                .isEqualTo(Files.readString(TEE.resolve("trustee/resource-policy.rego")));
    }

    @Test
    void makeInitdata_followsAChangedPart_andRefusesWhatTomlCannotCarry() throws Exception {
        Path copy = copyDeploy();
        Path aa = copy.resolve("tee/aa.toml");
        Files.writeString(aa, Files.readString(aa).replace("kbs.example.internal:8080", "kbs.other.internal:9443"));

        assertThat(run(copy.resolve("tee/make-initdata.sh")).exitValue()).isZero();
        String regenerated =
                annotation(YAML.readTree(copy.resolve("service-tee.yaml").toFile()));
        assertThat(regenerated).isNotEqualTo(annotation(serviceTee()));
        assertThat(TOML.readTree(TOML.readTree(decode(regenerated))
                                .at("/data/aa.toml")
                                .asText())
                        .at("/token_configs/kbs/url")
                        .asText())
                .isEqualTo("https://kbs.other.internal:9443");

        Path policy = copy.resolve("tee/policy.rego");
        Files.writeString(policy, Files.readString(policy) + "\n# '''\n");
        Process refused = run(copy.resolve("tee/make-initdata.sh"));
        assertThat(refused.exitValue()).isNotZero();
        assertThat(output(refused)).contains("cannot be carried in a TOML literal string");
        assertThat(annotation(YAML.readTree(copy.resolve("service-tee.yaml").toFile())))
                .as("the manifest is left as it was")
                .isEqualTo(regenerated);
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    private String policyFromAnnotation() throws IOException {
        return TOML.readTree(decode(annotation(serviceTee())))
                .at("/data/policy.rego")
                .asText();
    }

    /** policy_data as trustee reads it (attestation-service src/lib.rs extract_policy_data): JSON to the end. */
    static JsonNode policyData(String policy) throws IOException {
        int start = policy.indexOf("policy_data := {");
        assertThat(start).as("policy_data").isNotNegative();
        return JSON.readTree(policy.substring(start + "policy_data := ".length()));
    }

    /** {@code default Name := value} lines. */
    static Map<String, String> defaults(String policy) {
        Map<String, String> defaults = new java.util.HashMap<>();
        Matcher matcher = Pattern.compile("(?m)^default (\\w+) := (\\w+)").matcher(policy);
        while (matcher.find()) {
            assertThat(defaults.put(matcher.group(1), matcher.group(2)))
                    .as("one default for " + matcher.group(1))
                    .isNull();
        }
        return defaults;
    }

    /** The bodies of the rules {@code Name if { ... }} (top-level braces). */
    static List<String> rulesOf(String policy, String name) {
        List<String> rules = new ArrayList<>();
        Matcher matcher = Pattern.compile("(?m)^" + name + " if \\{").matcher(policy);
        while (matcher.find()) {
            int depth = 0;
            int i = matcher.end() - 1;
            do {
                char c = policy.charAt(i++);
                depth += c == '{' ? 1 : c == '}' ? -1 : 0;
            } while (depth > 0);
            rules.add(policy.substring(matcher.start(), i));
        }
        return rules;
    }

    private Path copyDeploy() throws IOException {
        Path copy = work.resolve("knative");
        Files.createDirectories(copy.resolve("tee/trustee"));
        Files.copy(SERVICE_TEE, copy.resolve("service-tee.yaml"));
        try (var files = Files.walk(TEE)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.copy(
                        file,
                        copy.resolve("tee").resolve(TEE.relativize(file).toString()),
                        StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        return copy;
    }

    private static Process run(Path script) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("sh", script.toString())
                .redirectErrorStream(true)
                .start();
        process.getOutputStream().close();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return process;
    }

    private static String output(Process process) throws IOException {
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    private static X509Certificate certificate(String pem) throws Exception {
        assertThat(pem).startsWith("-----BEGIN CERTIFICATE-----");
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }
}
