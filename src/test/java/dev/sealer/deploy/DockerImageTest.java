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
 * measured under load; the Jib profile builds the same; the build context keeps secrets out.
 */
class DockerImageTest {

    /**
     * Measured with {@code bench/memory.sh 512 1} and {@code bench/memory.sh 384 1} (the image's flags,
     * a simulated container, 50 callers of 1 KiB secrets then 20 of 256 KiB): peak RSS 243 and 250 MiB,
     * of which the heap held about 80 MiB; the rest (metaspace about 45 MiB, code cache, threads, direct
     * buffers) about 170 MiB. See deploy/knative/README.md "Memory".
     */
    static final int MEASURED_PEAK_RSS_MIB = 250;
    static final int MEASURED_NON_HEAP_MIB = 170;

    private static final ImageJvmFlags IMAGE = ImageJvmFlags.fromDockerfile(ImageJvmFlags.DOCKERFILE);

    private static Path java() {
        int major = IMAGE.javaMajor().orElseThrow(() -> new AssertionError("the base image " + IMAGE.baseImage()
                + " names no Java version"));
        return ImageJvmFlags.javaOfMajor(major).orElseThrow(() -> new AssertionError("no local JDK " + major
                + " to try the image's JVM flags on: install one under /usr/lib/jvm or set JAVA_HOME_" + major));
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

    @Test
    void effectiveJvmFlags_startAJvm() throws Exception {
        List<String> flags = IMAGE.effectiveFlags();
        Map.Entry<Integer, String> result = run(flags);
        assertThat(result.getKey()).as("java %s -version:%n%s", String.join(" ", flags), result.getValue()).isZero();
        assertThat(result.getValue()).doesNotContain("Multiple garbage collectors").doesNotContain("Unrecognized");
    }

    @Test
    void effectiveJvmFlags_selectExactlyOneCollector() throws Exception {
        Map.Entry<Integer, String> result = run(IMAGE.effectiveFlags(), "-XX:+PrintFlagsFinal");
        Matcher selected = Pattern.compile("bool\\s+Use(Serial|Parallel|G1|Z|Shenandoah|Epsilon)GC\\s+=\\s+true").matcher(result.getValue());
        List<String> collectors = new ArrayList<>();
        while (selected.find()) {
            collectors.add(selected.group(1));
        }
        assertThat(collectors).as("collectors selected").hasSize(1);
    }

    @Test
    void theFlagCheck_failsOnTheOriginalDefect() throws Exception {
        // the image before issue 12: JAVA_OPTS_APPEND chose a collector while run-java.sh added its own
        Map<String, String> broken = new LinkedHashMap<>(IMAGE.env());
        broken.remove("GC_CONTAINER_OPTIONS");
        broken.put("JAVA_OPTS_APPEND", "-XX:+UseSerialGC " + broken.getOrDefault("JAVA_OPTS_APPEND", ""));
        List<String> flags = IMAGE.withEnv(broken).effectiveFlags();
        assertThat(flags).contains("-XX:+UseParallelGC", "-XX:+UseSerialGC");
        Map.Entry<Integer, String> result = run(flags);
        assertThat(result.getKey()).isNotZero();
        assertThat(result.getValue()).contains("Multiple garbage collectors");
    }

    @Test
    void heapAndMemoryLimits_leaveRoomForWhatWasMeasured() throws Exception {
        Map<String, Integer> limits = new LinkedHashMap<>();
        for (String file : List.of("service.yaml", "service-tee.yaml")) {
            String limit = DeployManifestsTest.documents(DeployManifestsTest.KNATIVE.resolve(file)).get(0)
                    .at("/spec/template/spec/containers/0/resources/limits/memory").asText();
            assertThat(limit).as(file).matches("\\d+Mi");
            limits.put(file, Integer.parseInt(limit.replace("Mi", "")));
        }
        JsonNode s = DeployManifestsTest.documents(DeployManifestsTest.FC).get(0);
        DeployManifestsTest.fields(s.path("resources"))
                .forEach(r -> limits.put("fc " + r.getKey(), r.getValue().at("/props/memorySize").asInt()));
        for (Map.Entry<String, Integer> limit : limits.entrySet()) {
            int mib = limit.getValue();
            assertThat(mib).as(limit.getKey() + ": 1.5x the measured peak RSS").isGreaterThanOrEqualTo(MEASURED_PEAK_RSS_MIB * 3 / 2);
            long maxHeap = maxHeapMib(mib);
            assertThat(maxHeap + MEASURED_NON_HEAP_MIB).as(limit.getKey() + ": the largest heap and the measured rest fit in " + mib + " MiB")
                    .isLessThanOrEqualTo(mib);
            assertThat(maxHeap).as(limit.getKey() + ": the heap may grow beyond what it held under load").isGreaterThan(96);
        }
    }

    /** The heap the image's flags give the JVM in a container of {@code limitMib} (simulated with -XX:MaxRAM). */
    private static long maxHeapMib(int limitMib) throws Exception {
        Map.Entry<Integer, String> result = run(IMAGE.effectiveFlags(), "-XX:MaxRAM=" + limitMib + "m", "-XX:+PrintFlagsFinal");
        Matcher heap = Pattern.compile("MaxHeapSize\\s+=\\s+(\\d+)").matcher(result.getValue());
        assertThat(heap.find()).isTrue();
        return Long.parseLong(heap.group(1)) / (1024 * 1024);
    }

    @Test
    void jibProfile_buildsTheSameImage() throws IOException {
        String pom = Files.readString(Path.of("pom.xml"), StandardCharsets.UTF_8);
        Matcher profile = Pattern.compile("<profile>\\s*<id>jib</id>(.*?)</profile>", Pattern.DOTALL).matcher(pom);
        assertThat(profile.find()).as("a Maven profile 'jib'").isTrue();
        String body = profile.group(1);
        assertThat(body).contains("<artifactId>quarkus-container-image-jib</artifactId>");
        assertThat(property(body, "quarkus.jib.base-jvm-image")).isEqualTo(IMAGE.baseImage());
        assertThat(property(body, "quarkus.jib.platforms")).isEqualTo("linux/amd64");
        // Jib runs run-java.sh too (UBI base image), with JAVA_OPTS_APPEND made of jvm-arguments
        Map<String, String> env = new LinkedHashMap<>();
        Matcher variables = Pattern.compile("<quarkus\\.jib\\.environment-variables\\.(\\w+)>([^<]*)<").matcher(body);
        while (variables.find()) {
            env.put(variables.group(1), variables.group(2));
        }
        env.put("JAVA_OPTS_APPEND", property(body, "quarkus.jib.jvm-arguments").replace(',', ' '));
        Map<String, String> dockerfile = new LinkedHashMap<>(IMAGE.env());
        dockerfile.keySet().removeIf(k -> !k.startsWith("JAVA_") && !k.startsWith("GC_"));
        dockerfile.remove("JAVA_APP_JAR");
        assertThat(env).containsExactlyInAnyOrderEntriesOf(dockerfile);
    }

    private static String property(String xml, String name) {
        Matcher matcher = Pattern.compile("<" + Pattern.quote(name) + ">([^<]*)</" + Pattern.quote(name) + ">").matcher(xml);
        assertThat(matcher.find()).as(name).isTrue();
        return matcher.group(1).trim();
    }

    @Test
    void buildContext_keepsSecretsOut() throws IOException {
        List<String> rules = Files.readAllLines(Path.of(".dockerignore")).stream().map(String::trim)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        for (String path : List.of(".sealer-dev/signing/dev-signing-key.jwk", ".sealer-dev/kms-emulator/password_KAAP.x.json",
                "target/test-state/signing/test-signing-key.jwk", "credentials/clientKey_KAAP.x.json", "verification-keys/k",
                "kbs-resources/default/x/y", "signing-key.jwk", "api-token", ".git/config", ".kms-emulator/x", "target/memory/signing.jwk")) {
            assertThat(included(rules, path)).as(path).isFalse();
        }
        for (String path : List.of("target/quarkus-app/quarkus-run.jar", "target/quarkus-app/lib/main/x.jar",
                "target/quarkus-app/app/aliyun-kms-sealer-0.1.0-SNAPSHOT.jar", "target/quarkus-app/quarkus/generated-bytecode.jar")) {
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
