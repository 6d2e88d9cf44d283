package dev.sealer.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sealer.testsupport.ImageJvmFlags;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image's tee entry point, src/main/docker/sealer-tee: it is in the image where service-tee.yaml starts
 * it, it starts the JVM with exactly the flags of the Dockerfile's ENTRYPOINT, then pins the tee profile and
 * the guest resource API as system properties, removes the JVM option variables, and accepts no argument
 * but the two documented opt-ins. The script itself runs here, with a recording stand-in for java (its two
 * absolute paths, the JDK and /deployments, pointed at this test's folder); what the pinned application then
 * does is shown by TeeStartupIT.
 */
public class TeeEntryPointTest {

    static final Path SCRIPT = Path.of("src/main/docker/sealer-tee");
    static final String IN_IMAGE = "/usr/local/bin/sealer-tee";
    static final String JAVA = "/opt/java/openjdk/bin/java";

    @TempDir
    Path work;

    /** The script's exec line, split into words (continuation lines joined). */
    static List<String> execWords() throws IOException {
        String text = Files.readString(SCRIPT).replaceAll("\\\\\\n\\s*", " ");
        String exec = text.lines()
                .filter(line -> line.startsWith("exec "))
                .findFirst()
                .orElseThrow();
        return List.of(exec.substring("exec ".length()).trim().split("\\s+"));
    }

    /** What the script adds after the caller's arguments and before -jar: the pins. */
    public static List<String> pins() throws IOException {
        List<String> words = execWords();
        return words.subList(words.indexOf("\"$@\"") + 1, words.indexOf("-jar"));
    }

    @Test
    void jvmFlags_areTheDockerfilesEntrypointFlags() throws IOException {
        List<String> words = execWords();
        List<String> entrypoint =
                ImageJvmFlags.fromDockerfile(ImageJvmFlags.DOCKERFILE).entrypoint();

        assertThat(words.get(0)).isEqualTo(JAVA);
        assertThat(entrypoint.get(0)).isEqualTo("java");
        assertThat(words.subList(1, words.indexOf("\"$@\"")))
                .as("the same flags as Dockerfile.jvm's ENTRYPOINT (the lead merges both together)")
                .isEqualTo(entrypoint.subList(1, entrypoint.indexOf("-jar")));
        assertThat(words.subList(words.indexOf("-jar"), words.size()))
                .isEqualTo(entrypoint.subList(entrypoint.indexOf("-jar"), entrypoint.size()));
    }

    @Test
    void pins_theProfile_theResourceApi_andNoAttach() throws IOException {
        assertThat(pins())
                .containsExactly(
                        "-XX:+DisableAttachMechanism",
                        "-Dquarkus.profile=tee",
                        "-Dsealed-secret.verification.kbs-resource-url=http://127.0.0.1:8006/cdh/resource");
    }

    @Test
    void image_carriesTheScript_whereServiceTeeStartsIt() throws IOException {
        String dockerfile = Files.readString(ImageJvmFlags.DOCKERFILE);
        assertThat(dockerfile).containsPattern("(?m)^COPY " + Pattern.quote(SCRIPT.toString()) + " " + IN_IMAGE + "$");
        assertThat(Files.isExecutable(SCRIPT)).as("mode 755, kept by COPY").isTrue();
        assertThat(Files.readAllLines(Path.of(".dockerignore"))).contains("!" + SCRIPT);
        var service = new ObjectMapper(new YAMLFactory())
                .readTree(Path.of("deploy/knative/service-tee.yaml").toFile());
        assertThat(service.at("/spec/template/spec/containers/0/command"))
                .hasSize(1)
                .first()
                .satisfies(command -> assertThat(command.asText()).isEqualTo(IN_IMAGE));
        assertThat(service.at("/spec/template/spec/containers/0/args").isMissingNode())
                .isTrue();
    }

    @Test
    void startsJava_withoutJvmOptionVariables_andWithThePinsLast() throws Exception {
        Path recorded = work.resolve("recorded");
        Outcome outcome = runScript(
                List.of("-Dsealer.tee.seal.enabled=true"),
                Map.of(
                        "JAVA_TOOL_OPTIONS", "-javaagent:/tmp/evil.jar",
                        "JDK_JAVA_OPTIONS", "-agentlib:jdwp=transport=dt_socket,server=y,address=*:5005",
                        "_JAVA_OPTIONS", "-Dsealer.allow-unauthenticated=true",
                        "SEALER_API_TOKEN_FILE", "/etc/sealer/api-token/token"),
                recorded);

        assertThat(outcome.exit()).as(outcome.output()).isZero();
        List<String> args = Files.readAllLines(recorded.resolve("args"));
        List<String> expected =
                new ArrayList<>(execWords().subList(1, execWords().indexOf("\"$@\"")));
        expected.add("-Dsealer.tee.seal.enabled=true");
        expected.addAll(pins());
        expected.addAll(List.of("-jar", "quarkus-run.jar"));
        assertThat(args).isEqualTo(expected);
        String env = Files.readString(recorded.resolve("env"));
        assertThat(env).doesNotContain("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");
        assertThat(env).contains("SEALER_API_TOKEN_FILE=/etc/sealer/api-token/token");
        assertThat(Files.readString(recorded.resolve("cwd")).strip())
                .isEqualTo(work.toRealPath().toString());
    }

    @Test
    void anyOtherArgument_stopsTheStart_beforeJava() throws Exception {
        for (String argument : List.of(
                "-Dquarkus.profile=prod",
                "-javaagent:/tmp/evil.jar",
                "-Dsealer.allow-unauthenticated=true",
                "-Dsealer.tee.seal.enabled=truex",
                "--version")) {
            Path recorded = work.resolve("recorded-" + Math.abs(argument.hashCode()));
            Outcome outcome = runScript(List.of(argument), Map.of(), recorded);

            assertThat(outcome.exit()).as(argument).isEqualTo(64);
            assertThat(outcome.output()).contains("sealer-tee: refused").doesNotContain(argument);
            assertThat(recorded.resolve("args")).as("java never ran").doesNotExist();
        }
    }

    private record Outcome(int exit, String output) {}

    /** Runs the script with its two absolute paths pointed here; the stand-in java records args, env and cwd. */
    private Outcome runScript(List<String> arguments, Map<String, String> environment, Path recorded)
            throws IOException, InterruptedException {
        Files.createDirectories(recorded);
        Path fakeJava = work.resolve("java");
        Files.writeString(
                fakeJava,
                "#!/bin/sh\n"
                        + "for a in \"$@\"; do printf '%s\\n' \"$a\"; done > '" + recorded.resolve("args.tmp") + "'\n"
                        + "env > '" + recorded.resolve("env") + "'\n"
                        + "pwd > '" + recorded.resolve("cwd") + "'\n"
                        + "mv '" + recorded.resolve("args.tmp") + "' '" + recorded.resolve("args") + "'\n");
        Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwxr-xr-x"));
        String script = Files.readString(SCRIPT)
                .replace("exec " + JAVA + " ", "exec " + fakeJava + " ")
                .replace("cd /deployments\n", "cd '" + work + "'\n");
        assertThat(script).contains("exec " + fakeJava).contains("cd '" + work + "'");
        Path copy = work.resolve("sealer-tee");
        Files.writeString(copy, script);
        List<String> command = new ArrayList<>(List.of("sh", copy.toString()));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Outcome(
                process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
