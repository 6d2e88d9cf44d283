package dev.sealer.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code src/main/aot/aot-cache.sh}, what keeps a stale JDK AOT cache out of the image and out of the README's
 * launch: on Temurin 25.0.3 a cache trained on other jars maps without a warning and runs the stale classes
 * (JDK-8377932). Here on a copy of the {@code quarkus-app} layout with a stand-in {@code app.aot} (what the
 * script checks is the record, not the cache's content), and a stand-in {@code java} that answers
 * {@code -Xinternalversion} like a JVM and writes down how it was started.
 */
class AotCacheCheckTest {

    static final Path SCRIPT = Path.of("src/main/aot/aot-cache.sh");
    private static final String TRAINING_JVM =
            "OpenJDK 64-Bit Server VM (25.0.3+9-LTS) for linux-amd64 JRE (25.0.3+9-LTS), built on 2026-04-21T00:00:00Z with gcc 14.2.0";

    @TempDir
    Path temp;

    Path app;
    Path javaHome;
    Path started;

    @BeforeEach
    void quarkusAppLayout() throws IOException {
        app = temp.resolve("quarkus-app");
        write(app.resolve("quarkus-run.jar"), "launcher");
        write(app.resolve("app/aliyun-kms-sealer-0.1.0-SNAPSHOT.jar"), "the application's classes");
        write(app.resolve("lib/boot/quarkus-bootstrap-runner.jar"), "boot");
        write(app.resolve("lib/main/org.bouncycastle.bcprov-jdk18on-1.83.jar"), "bouncy castle");
        write(app.resolve("quarkus/generated-bytecode.jar"), "generated");
        write(app.resolve("quarkus/quarkus-application.dat"), "class path");
        write(app.resolve("quarkus-app-dependencies.txt"), "dependencies");
        write(app.resolve("app.aot"), "the cache the training wrote");
        javaHome = temp.resolve("jdk");
        started = temp.resolve("started");
        fakeJava(javaHome, TRAINING_JVM);
    }

    @Test
    void record_thenCheck_passes() throws Exception {
        assertThat(script("record", app.toString(), java(javaHome)).exit()).isZero();
        assertThat(Files.readString(app.resolve("app.aot.jvm")).trim()).isEqualTo(TRAINING_JVM);
        assertThat(Files.readAllLines(app.resolve("app.aot.sha256")))
                .hasSize(9) // every file of the folder, the JVM record included, the list itself not
                .allMatch(line -> line.matches("[0-9a-f]{64}  \\./.+"))
                .anyMatch(line -> line.endsWith("  ./app.aot"))
                .anyMatch(line -> line.endsWith("  ./lib/main/org.bouncycastle.bcprov-jdk18on-1.83.jar"));
        assertThat(script("check", app.toString(), java(javaHome)).exit()).isZero();
        assertThat(script("check", app.toString()).exit()).isZero();
    }

    @Test
    void check_aJarChangedAfterTraining_isRefused() throws Exception {
        script("record", app.toString(), java(javaHome));
        // what `./mvnw package` after `verify -Paot` would leave if the cache survived it: a rebuilt application jar
        write(app.resolve("app/aliyun-kms-sealer-0.1.0-SNAPSHOT.jar"), "the application's classes, changed");
        Result result = script("check", app.toString(), java(javaHome));
        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.output())
                .contains("app/aliyun-kms-sealer-0.1.0-SNAPSHOT.jar: FAILED")
                .contains("REFUSED")
                .contains("JDK-8377932");
    }

    @Test
    void check_aDependencyOrTheGeneratedClassesChanged_isRefused() throws Exception {
        script("record", app.toString(), java(javaHome));
        for (String file : List.of(
                "lib/main/org.bouncycastle.bcprov-jdk18on-1.83.jar",
                "quarkus/generated-bytecode.jar",
                "quarkus/quarkus-application.dat",
                "quarkus-run.jar",
                "app.aot")) {
            byte[] before = Files.readAllBytes(app.resolve(file));
            Files.writeString(app.resolve(file), "x", StandardOpenOption.APPEND);
            assertThat(script("check", app.toString()).exit()).as(file).isEqualTo(1);
            Files.write(app.resolve(file), before);
            assertThat(script("check", app.toString()).exit())
                    .as(file + " restored")
                    .isZero();
        }
    }

    @Test
    void check_aJarAddedOrRemovedAfterTraining_isRefused() throws Exception {
        script("record", app.toString(), java(javaHome));
        write(app.resolve("lib/main/extra.jar"), "new");
        Result added = script("check", app.toString());
        assertThat(added.exit()).isEqualTo(1);
        assertThat(added.output()).contains("not trained with: ./lib/main/extra.jar");
        Files.delete(app.resolve("lib/main/extra.jar"));
        Files.delete(app.resolve("lib/boot/quarkus-bootstrap-runner.jar"));
        assertThat(script("check", app.toString()).exit()).isEqualTo(1);
    }

    @Test
    void check_aCacheWithoutItsRecord_isRefused() throws Exception {
        // e.g. an app.aot of a build before the record existed, or one copied by hand
        Result result = script("check", app.toString(), java(javaHome));
        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.output()).contains("no record of the files and the JVM it was trained on");
    }

    @Test
    void check_aRecordWithoutItsCache_isRefused() throws Exception {
        script("record", app.toString(), java(javaHome));
        Files.delete(app.resolve("app.aot"));
        assertThat(script("check", app.toString()).exit()).isEqualTo(1);
    }

    @Test
    void check_anotherJvmThanTheTrainingOne_isRefused() throws Exception {
        script("record", app.toString(), java(javaHome));
        Path other = temp.resolve("other-jdk");
        fakeJava(other, TRAINING_JVM.replace("25.0.3+9", "25.0.4+7"));
        Result result = script("check", app.toString(), java(other));
        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.output()).contains("the cache would not map").contains("25.0.4+7");
    }

    @Test
    void check_noCacheAtAll_passes() throws Exception {
        // a build without -Paot: the image and the launch start without a cache
        Files.delete(app.resolve("app.aot"));
        assertThat(script("record", app.toString(), java(javaHome)).exit()).isZero();
        assertThat(app.resolve("app.aot.sha256")).doesNotExist();
        Result result = script("check", app.toString(), java(javaHome));
        assertThat(result.exit()).isZero();
        assertThat(result.output()).contains("no AOT cache");
    }

    @Test
    void run_aStaleCache_neverStartsTheApplication() throws Exception {
        script("record", app.toString(), java(javaHome));
        write(app.resolve("app/aliyun-kms-sealer-0.1.0-SNAPSHOT.jar"), "changed");
        Result result = run("-Dquarkus.http.port=8081");
        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.output()).contains("REFUSED");
        assertThat(startedWith()).isEmpty();
    }

    @Test
    void run_theTrainedCache_startsJavaWithIt() throws Exception {
        script("record", app.toString(), java(javaHome));
        Result result = run("-Dquarkus.http.port=8081", "-Dsealer.api-token-file=api-token");
        assertThat(result.exit()).isZero();
        assertThat(startedWith())
                .containsExactly(
                        "-XX:AOTCache=" + app + "/app.aot",
                        "-Dquarkus.http.port=8081",
                        "-Dsealer.api-token-file=api-token",
                        "-jar",
                        app + "/quarkus-run.jar");
    }

    @Test
    void run_withoutACache_startsJavaWithoutOne() throws Exception {
        Files.delete(app.resolve("app.aot"));
        assertThat(run("-Dx=y").exit()).isZero();
        assertThat(startedWith()).containsExactly("-Dx=y", "-jar", app + "/quarkus-run.jar");
    }

    @Test
    void record_withTheRealJvm_writesWhatTheJvmChecks() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        assertThat(script("record", app.toString(), java.toString()).exit()).isZero();
        assertThat(Files.readString(app.resolve("app.aot.jvm")))
                .contains(System.getProperty("java.vm.version"))
                .contains("built on");
        assertThat(script("check", app.toString(), java.toString()).exit()).isZero();
    }

    // ---- helpers ------------------------------------------------------------------------------------

    record Result(int exit, String output) {}

    private Result script(String... arguments) throws Exception {
        return sh(Map.of(), arguments);
    }

    private Result run(String... options) throws Exception {
        List<String> arguments = new ArrayList<>(List.of("run", app.toString()));
        arguments.addAll(List.of(options));
        return sh(Map.of("JAVA_HOME", javaHome.toString()), arguments.toArray(String[]::new));
    }

    private Result sh(Map<String, String> environment, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("sh", SCRIPT.toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("JAVA_HOME");
        builder.environment().putAll(environment);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }

    private List<String> startedWith() throws IOException {
        return Files.exists(started) ? Files.readAllLines(started) : List.of();
    }

    private static String java(Path home) {
        return home.resolve("bin/java").toString();
    }

    /** A {@code java} that prints {@code ident} for {@code -Xinternalversion} and otherwise writes its arguments down. */
    private void fakeJava(Path home, String ident) throws IOException {
        Path java = home.resolve("bin/java");
        write(
                java,
                "#!/bin/sh\n"
                        + "if [ \"$1\" = -Xinternalversion ]; then echo '" + ident + "'; exit 0; fi\n"
                        + "for a in \"$@\"; do printf '%s\\n' \"$a\"; done > '" + started + "'\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }
}
