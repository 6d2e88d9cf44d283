package dev.sealer.packaged;

import dev.sealer.deploy.TeeEntryPointTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged application started as the image's tee entry point starts it: {@code java <the entry point's
 * pins> -jar quarkus-run.jar}, the pins read from src/main/docker/sealer-tee ({@link TeeEntryPointTest#pins()};
 * the JVM flags before them need the image's JDK 25 and its AOT cache, so they are left out here), plus the
 * test's own system properties (what the container's command line would add) and an environment (what the
 * host writes into the pod spec). Only the guest resource API's address may be moved to a test server:
 * {@code 127.0.0.1:8006} is not free for a test on a shared machine.
 */
final class TeeApp implements AutoCloseable {

    private static final Path JAR = PackagedApp.JAR;
    private static final Duration HANG = Duration.ofSeconds(90);
    static final String RESOURCE_URL_PIN = "-Dsealed-secret.verification.kbs-resource-url=";

    private final Process process;
    private final Path log;

    private TeeApp(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** The JVM arguments of the entry point, with the resource API moved to {@code resourceApi} when given. */
    static List<String> pins(String resourceApi) throws IOException {
        List<String> pins = new ArrayList<>();
        for (String pin : TeeEntryPointTest.pins()) {
            pins.add(resourceApi != null && pin.startsWith(RESOURCE_URL_PIN) ? RESOURCE_URL_PIN + resourceApi : pin);
        }
        return pins;
    }

    /**
     * @param jvmArguments the arguments before {@code -jar} (pins and {@code -D} properties)
     * @param environment the environment (the caller's SEALER_*, SEALED_SECRET_*, ALIYUN_*, QUARKUS_*, JAVA
     *     option variables are removed first)
     */
    static TeeApp launch(Path work, List<String> jvmArguments, Map<String, String> environment) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-Dquarkus.http.port=0"));
        command.addAll(jvmArguments);
        command.addAll(List.of("-jar", JAR.toString()));
        Files.createDirectories(work);
        Path log = work.resolve("output.log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment()
                .keySet()
                .removeIf(name -> name.startsWith("SEALER_")
                        || name.startsWith("SEALED_SECRET_")
                        || name.startsWith("ALIYUN_")
                        || name.startsWith("QUARKUS_")
                        || name.equals("JAVA_TOOL_OPTIONS")
                        || name.equals("JDK_JAVA_OPTIONS")
                        || name.equals("_JAVA_OPTIONS"));
        builder.environment().putAll(environment);
        return new TeeApp(builder.start(), log);
    }

    /** Waits until the application exits (returns its exit code) or logs that it started (returns null). */
    Integer awaitStartOrExit() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + HANG.toNanos();
        while (System.nanoTime() < deadline) {
            if (process.waitFor(200, TimeUnit.MILLISECONDS)) {
                return process.exitValue();
            }
            if (output().contains("started in")) {
                return null;
            }
        }
        process.destroyForcibly();
        throw new AssertionError("the application neither started nor failed within " + HANG + ":\n" + output());
    }

    String output() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** The service port (Quarkus's "Listening on" line). */
    int httpPort() throws IOException {
        return port(Pattern.compile("Listening on: http://[^:]+:(\\d+)"));
    }

    /** The loopback listener's port (its start-up line). */
    int loopbackPort() throws IOException {
        return port(Pattern.compile("in clear on 127\\.0\\.0\\.1:(\\d+)"));
    }

    private int port(Pattern pattern) throws IOException {
        Matcher matcher = pattern.matcher(output());
        if (!matcher.find()) {
            throw new AssertionError("no " + pattern + " in:\n" + output());
        }
        return Integer.parseInt(matcher.group(1));
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
