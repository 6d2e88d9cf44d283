package dev.sealer.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sealer.testsupport.ImageJvmFlags;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The container image: the JVM flags it starts with (read from src/main/docker/Dockerfile.jvm, with
 * what the base image's run-java.sh adds, {@link ImageJvmFlags}) start a JVM of the image's major
 * version here, select one collector, and leave room in every memory limit of deploy/ for what was
 * measured under load; its base image is a published tag of the JDK build that trains the AOT cache, and its
 * build refuses a stale cache; the Jib profile builds the same without the cache; the build context keeps secrets
 * out.
 */
class DockerImageTest {

    /**
     * Measured with {@code bench/memory.sh 512 1} (the image's JDK 25, AOT cache and flags, a simulated
     * container, 50 callers of 1 KiB secrets then 20 of 256 KiB): peak RSS 352 and 355 MiB in two runs
     * (350 MiB without the cache), the heap then grown to 110 to 139 MiB committed of its 206 MiB; the
     * rest (metaspace, code cache, threads, direct buffers, the mapped cache) at most about 240 MiB.
     * See deploy/knative/README.md "Memory".
     */
    static final int MEASURED_PEAK_RSS_MIB = 355;

    static final int MEASURED_NON_HEAP_MIB = 240;

    private static final ImageJvmFlags IMAGE = ImageJvmFlags.fromDockerfile(ImageJvmFlags.DOCKERFILE);

    private static Path java() {
        int major = IMAGE.javaMajor()
                .orElseThrow(
                        () -> new AssertionError("the base image " + IMAGE.baseImage() + " names no Java version"));
        return ImageJvmFlags.javaOfMajor(major)
                .orElseThrow(() -> new AssertionError("no local JDK " + major
                        + " to try the image's JVM flags on: install one under /usr/lib/jvm or set JAVA_HOME_"
                        + major));
    }

    /** Runs {@code java <flags> <more> -version}; returns exit code and output. */
    static Map.Entry<Integer, String> run(List<String> flags, String... more) throws Exception {
        List<String> command = new ArrayList<>(List.of(java().toString()));
        command.addAll(flags);
        command.addAll(List.of(more));
        command.add("-version");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return Map.entry(process.exitValue(), output);
    }

    @Test
    void baseImage_isPinnedToAVersion() {
        assertThat(IMAGE.baseImage()).matches(".+:[0-9][^:]*").doesNotEndWith(":latest");
        assertThat(IMAGE.entrypoint()).isNotEmpty();
    }

    /** The image's flags without the AOT cache (which only maps with the application it was made for; see below). */
    private static List<String> flagsWithoutCache() {
        return IMAGE.effectiveFlags().stream()
                .filter(f -> !f.startsWith("-XX:AOTCache"))
                .toList();
    }

    @Test
    void effectiveJvmFlags_startAJvm() throws Exception {
        List<String> flags = flagsWithoutCache();
        Map.Entry<Integer, String> result = run(flags);
        assertThat(result.getKey())
                .as("java %s -version:%n%s", String.join(" ", flags), result.getValue())
                .isZero();
        assertThat(result.getValue())
                .doesNotContain("Multiple garbage collectors")
                .doesNotContain("Unrecognized");
    }

    @Test
    void effectiveJvmFlags_selectExactlyOneCollector() throws Exception {
        Map.Entry<Integer, String> result = run(flagsWithoutCache(), "-XX:+PrintFlagsFinal");
        Matcher selected = Pattern.compile("bool\\s+Use(Serial|Parallel|G1|Z|Shenandoah|Epsilon)GC\\s+=\\s+true")
                .matcher(result.getValue());
        List<String> collectors = new ArrayList<>();
        while (selected.find()) {
            collectors.add(selected.group(1));
        }
        assertThat(collectors).as("collectors selected").hasSize(1);
    }

    @Test
    void theFlagCheck_failsOnASecondCollector() throws Exception {
        // the defect of issue 12 in this image's form: the platform adds a collector (JAVA_TOOL_OPTIONS) to the image's
        // own
        Map<String, String> env = new LinkedHashMap<>(IMAGE.env());
        env.put("JAVA_TOOL_OPTIONS", "-XX:+UseParallelGC");
        List<String> flags = IMAGE.withEnv(env).effectiveFlags().stream()
                .filter(f -> !f.startsWith("-XX:AOTCache"))
                .toList();
        assertThat(flags).contains("-XX:+UseParallelGC", "-XX:+UseSerialGC");
        Map.Entry<Integer, String> result = run(flags);
        assertThat(result.getKey()).isNotZero();
        assertThat(result.getValue()).contains("Multiple garbage collectors");
    }

    /**
     * The image starts from the AOT cache that {@code -Paot} writes beside {@code quarkus-run.jar}: the entry point
     * names it relative to the working directory, into which the whole {@code target/quarkus-app} is copied.
     */
    @Test
    void entryPoint_usesTheAotCacheOfTheAotBuild() throws IOException {
        assertThat(IMAGE.entrypoint())
                .startsWith("java")
                .contains("-XX:AOTCache=app.aot")
                .endsWith("-jar", "quarkus-run.jar");
        String dockerfile = Files.readString(ImageJvmFlags.DOCKERFILE, StandardCharsets.UTF_8);
        assertThat(dockerfile)
                .containsPattern("(?m)^WORKDIR /deployments$")
                .containsPattern("(?m)^COPY --from=aot-check --chown=185 /deployments/ /deployments/$");
        String pom = Files.readString(Path.of("pom.xml"), StandardCharsets.UTF_8);
        Matcher profile = Pattern.compile("<profile>\\s*<id>aot</id>(.*?)</profile>", Pattern.DOTALL)
                .matcher(pom);
        assertThat(profile.find()).as("a Maven profile 'aot'").isTrue();
        assertThat(profile.group(1))
                .contains("<quarkus.package.jar.aot.enabled>true</quarkus.package.jar.aot.enabled>")
                .contains("<quarkus.package.jar.aot.type>aot</quarkus.package.jar.aot.type>");
    }

    /**
     * The image is built only from what passed {@code aot-cache.sh check} (AotCacheCheckTest): a first stage on the
     * same base image gets the application and the script, and fails the build on a stale cache or another JVM; the
     * final stage copies the application from that stage (so BuildKit cannot skip it). No Docker daemon here: the
     * check itself is tested on its own.
     */
    @Test
    void imageBuild_refusesAStaleAotCache() throws IOException {
        String dockerfile = Files.readString(ImageJvmFlags.DOCKERFILE, StandardCharsets.UTF_8);
        List<String> stages = froms(dockerfile);
        assertThat(stages).hasSize(2);
        assertThat(stages.get(0)).isEqualTo(IMAGE.baseImage() + " AS aot-check");
        assertThat(stages.get(1))
                .as("the final stage runs the JVM the check ran")
                .isEqualTo(IMAGE.baseImage());
        String check = dockerfile.substring(dockerfile.indexOf("AS aot-check"), dockerfile.lastIndexOf("FROM "));
        assertThat(check)
                .containsPattern("(?m)^COPY target/quarkus-app/ /deployments/$")
                .containsPattern("(?m)^COPY " + AotCacheCheckTest.SCRIPT + " /aot-cache.sh$")
                .containsPattern(
                        "(?m)^RUN \\[\"/bin/sh\", \"/aot-cache.sh\", \"check\", \"/deployments\", \"java\"\\]$");
        String last = dockerfile.substring(dockerfile.lastIndexOf("FROM "));
        assertThat(last).contains("COPY --from=aot-check ").doesNotContain("target/quarkus-app");
    }

    private static List<String> froms(String dockerfile) {
        List<String> froms = new ArrayList<>();
        Matcher from = Pattern.compile("(?m)^FROM (.+)$").matcher(dockerfile);
        while (from.find()) {
            froms.add(from.group(1).trim());
        }
        return froms;
    }

    /**
     * The base image is a tag docker-library/official-images published for eclipse-temurin: listed in the copy of
     * {@code library/eclipse-temurin} at the commit the Dockerfile and the Jib profile name (the copy's integrity:
     * DeploySchemasTest). The Knative and Function Compute guides name the same tag.
     */
    @Test
    void baseImage_isATagOfficialImagesPublished() throws IOException {
        String tag = IMAGE.baseImage().substring("eclipse-temurin:".length());
        assertThat(IMAGE.baseImage()).startsWith("eclipse-temurin:");
        List<String> published = new ArrayList<>();
        for (String line : Files.readAllLines(OFFICIAL_IMAGES_TEMURIN)) {
            if (line.startsWith("Tags: ")) {
                published.addAll(List.of(line.substring("Tags: ".length()).split(",\\s*")));
            }
        }
        assertThat(published).contains(tag);
        String dockerfile = Files.readString(ImageJvmFlags.DOCKERFILE, StandardCharsets.UTF_8);
        assertThat(dockerfile).contains("official-images 2f2b424a20a7, library/eclipse-temurin");
        assertThat(Files.readString(Path.of("pom.xml"))).contains("docker-library/official-images 2f2b424a20a7");
        for (Path guide :
                List.of(Path.of("README.md"), Path.of("deploy/knative/README.md"), Path.of("deploy/fc/README.md"))) {
            Matcher named = Pattern.compile("eclipse-temurin:[0-9][^` )]*").matcher(Files.readString(guide));
            while (named.find()) {
                assertThat(named.group()).as(guide.toString()).isEqualTo(IMAGE.baseImage());
            }
        }
        // the check can fail: the tag of the issue, never published
        assertThat(published).doesNotContain("25.0.3_9-jdk-ubi9-minimal");
    }

    static final Path OFFICIAL_IMAGES_TEMURIN =
            Path.of("src/test/resources/upstream/docker-library/official-images/library/eclipse-temurin");

    /**
     * An AOT cache maps only on the JVM build that wrote it: the base image is the Temurin build the AOT
     * build runs on here (the JDK 25 this test finds). When that JDK is updated, the image's tag must follow.
     */
    @Test
    void baseImage_isTheJdkBuildThatTrainsTheCache() throws IOException {
        String pinned = IMAGE.temurinBuild()
                .orElseThrow(() -> new AssertionError(
                        "the base image " + IMAGE.baseImage() + " is not a Temurin image pinned to a build"));
        Path release = java().getParent().getParent().resolve("release");
        String local = Files.readAllLines(release).stream()
                .filter(l -> l.startsWith("IMPLEMENTOR_VERSION="))
                .findFirst()
                .orElse("")
                .replaceAll(".*Temurin-([^\"]+)\".*", "$1");
        assertThat(local)
                .as(
                        "the local JDK %d that -Paot runs on (%s)",
                        IMAGE.javaMajor().orElseThrow(), release)
                .isEqualTo(pinned);
        assertThat(IMAGE.baseImage())
                .as("a full JDK: a JRE's module image differs, and the cache records it")
                .contains("-jdk-");
    }

    @Test
    void heapAndMemoryLimits_leaveRoomForWhatWasMeasured() throws Exception {
        Map<String, Integer> limits = new LinkedHashMap<>();
        for (String file : List.of("service.yaml", "service-tee.yaml")) {
            String limit = DeployManifestsTest.documents(DeployManifestsTest.KNATIVE.resolve(file))
                    .get(0)
                    .at("/spec/template/spec/containers/0/resources/limits/memory")
                    .asText();
            assertThat(limit).as(file).matches("\\d+Mi");
            limits.put(file, Integer.parseInt(limit.replace("Mi", "")));
        }
        JsonNode s = DeployManifestsTest.documents(DeployManifestsTest.FC).get(0);
        DeployManifestsTest.fields(s.path("resources"))
                .forEach(r -> limits.put(
                        "fc " + r.getKey(), r.getValue().at("/props/memorySize").asInt()));
        for (Map.Entry<String, Integer> limit : limits.entrySet()) {
            int mib = limit.getValue();
            // The measured peak already holds a heap grown to two thirds of its cap: 1.4x leaves about
            // 150 MiB for the rest of the heap and for what the load did not reach.
            assertThat(mib)
                    .as(limit.getKey() + ": 1.4x the measured peak RSS")
                    .isGreaterThanOrEqualTo(MEASURED_PEAK_RSS_MIB * 7 / 5);
            long maxHeap = maxHeapMib(mib);
            assertThat(maxHeap + MEASURED_NON_HEAP_MIB)
                    .as(limit.getKey() + ": the largest heap and the measured rest fit in " + mib + " MiB")
                    .isLessThanOrEqualTo(mib);
            assertThat(maxHeap)
                    .as(limit.getKey() + ": the heap may grow beyond what it held under load")
                    .isGreaterThan(96);
        }
    }

    /** The heap the image's flags give the JVM in a container of {@code limitMib} (simulated with -XX:MaxRAM). */
    private static long maxHeapMib(int limitMib) throws Exception {
        Map.Entry<Integer, String> result =
                run(IMAGE.effectiveFlags(), "-XX:MaxRAM=" + limitMib + "m", "-XX:+PrintFlagsFinal");
        Matcher heap = Pattern.compile("MaxHeapSize\\s+=\\s+(\\d+)").matcher(result.getValue());
        assertThat(heap.find()).isTrue();
        return Long.parseLong(heap.group(1)) / (1024 * 1024);
    }

    /**
     * The Jib profile builds the same image (base image, entry point flags) without the AOT cache: Jib writes
     * every file with a fixed time, and a cache trained on the files here does not map on those. (Quarkus's own
     * AOT image flow trains inside the container instead, which needs a container runtime.)
     */
    @Test
    void jibProfile_buildsTheSameImage() throws IOException {
        String pom = Files.readString(Path.of("pom.xml"), StandardCharsets.UTF_8);
        Matcher profile = Pattern.compile("<profile>\\s*<id>jib</id>(.*?)</profile>", Pattern.DOTALL)
                .matcher(pom);
        assertThat(profile.find()).as("a Maven profile 'jib'").isTrue();
        String body = profile.group(1);
        assertThat(body).contains("<artifactId>quarkus-container-image-jib</artifactId>");
        assertThat(property(body, "quarkus.jib.base-jvm-image")).isEqualTo(IMAGE.baseImage());
        // the base image runs as root; the Dockerfile's user, whom the manifests' runAsUser names
        Matcher user = Pattern.compile("(?m)^USER (\\S+)$")
                .matcher(Files.readString(ImageJvmFlags.DOCKERFILE, StandardCharsets.UTF_8));
        assertThat(user.find()).isTrue();
        assertThat(property(body, "quarkus.jib.user")).isEqualTo(user.group(1)).isEqualTo("185");
        assertThat(property(body, "quarkus.jib.platforms")).isEqualTo("linux/amd64");
        // without run-java.sh in the base image, Jib's entry point is: java <jvm-arguments> -jar quarkus-run.jar
        assertThat(List.of(property(body, "quarkus.jib.jvm-arguments").split(",")))
                .containsExactlyElementsOf(flagsWithoutCache());
        assertThat(body).doesNotContain("quarkus.jib.environment-variables");
    }

    private static String property(String xml, String name) {
        Matcher matcher = Pattern.compile("<" + Pattern.quote(name) + ">([^<]*)</" + Pattern.quote(name) + ">")
                .matcher(xml);
        assertThat(matcher.find()).as(name).isTrue();
        return matcher.group(1).trim();
    }

    @Test
    void buildContext_keepsSecretsOut() throws IOException {
        List<String> rules = Files.readAllLines(Path.of(".dockerignore")).stream()
                .map(String::trim)
                .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .toList();
        for (String path : List.of(
                ".sealer-dev/signing/dev-signing-key.jwk",
                ".sealer-dev/kms-emulator/password_KAAP.x.json",
                "target/test-state/signing/test-signing-key.jwk",
                "credentials/clientKey_KAAP.x.json",
                "verification-keys/k",
                "kbs-resources/default/x/y",
                "signing-key.jwk",
                "api-token",
                ".git/config",
                ".kms-emulator/x",
                "target/memory/signing.jwk",
                "src/main/resources/application.properties")) {
            assertThat(included(rules, path)).as(path).isFalse();
        }
        for (String path : List.of(
                "target/quarkus-app/quarkus-run.jar",
                "target/quarkus-app/lib/main/x.jar",
                "target/quarkus-app/app/aliyun-kms-sealer-0.1.0-SNAPSHOT.jar",
                "target/quarkus-app/quarkus/generated-bytecode.jar",
                "target/quarkus-app/app.aot",
                "target/quarkus-app/app.aot.sha256",
                "src/main/aot/aot-cache.sh")) {
            assertThat(included(rules, path)).as(path).isTrue();
        }
    }

    /** .dockerignore semantics for the forms used here: the last matching rule wins; "!" re-includes; a directory rule covers its contents. */
    private static boolean included(List<String> rules, String path) {
        boolean included = true;
        for (String rule : rules) {
            boolean negate = rule.startsWith("!");
            String pattern = (negate ? rule.substring(1) : rule).replaceAll("/$", "");
            String regex = Pattern.quote(pattern).replace("*", "\\E[^/]*\\Q");
            if (path.matches(regex + "(/.*)?")) {
                included = negate;
            }
        }
        return included;
    }
}
