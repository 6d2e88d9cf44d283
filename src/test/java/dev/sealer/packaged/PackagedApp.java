package dev.sealer.packaged;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged application ({@code target/quarkus-app/quarkus-run.jar}, built by {@code package}
 * before the failsafe tests run), started as a user starts it: {@code java [-D...] -jar}, in a working
 * directory of its own, with a chosen environment. Used to check what only a real start shows: which
 * configurations it refuses, with which message.
 */
final class PackagedApp {

    static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();
    /** A start that neither fails nor reports being started in this time is a hang. */
    private static final Duration HANG = Duration.ofSeconds(90);

    /** How a start ended: the exit code (or null when it was started and then stopped) and its output. */
    record Outcome(Integer exitCode, String output) {
        boolean refusedToStart() {
            return exitCode != null && exitCode != 0;
        }

        boolean started() {
            return exitCode == null;
        }
    }

    /** A started application, until closed: its port and its output. */
    record Running(Process process, int port, Path log) implements AutoCloseable {
        String output() {
            try {
                return Files.readString(log, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private PackagedApp() {}

    /**
     * Starts the application with these JVM flags and keeps it running (any free port) until the handle is
     * closed.
     */
    static Running run(Path workDirectory, List<String> jvmFlags, Map<String, String> properties) {
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmFlags);
        command.add("-Dquarkus.http.port=0");
        properties.forEach((name, value) -> command.add("-D" + name + "=" + value));
        command.addAll(List.of("-jar", JAR.toString()));
        try {
            Files.createDirectories(workDirectory);
            Path log = workDirectory.resolve("output.log");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(workDirectory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment()
                    .keySet()
                    .removeIf(name -> name.startsWith("SEALER_")
                            || name.startsWith("SEALED_SECRET_")
                            || name.startsWith("ALIYUN_")
                            || name.startsWith("QUARKUS_"));
            Process process = builder.start();
            java.util.regex.Pattern listening = java.util.regex.Pattern.compile("Listening on: http://[^:]+:(\\d+)");
            long deadline = System.nanoTime() + HANG.toNanos();
            while (System.nanoTime() < deadline) {
                if (process.waitFor(200, TimeUnit.MILLISECONDS)) {
                    throw new AssertionError(
                            "the application did not start:\n" + Files.readString(log, StandardCharsets.UTF_8));
                }
                java.util.regex.Matcher port = listening.matcher(Files.readString(log, StandardCharsets.UTF_8));
                if (port.find()) {
                    return new Running(process, Integer.parseInt(port.group(1)), log);
                }
            }
            process.destroyForcibly();
            throw new AssertionError("the application did not start within " + HANG + ":\n"
                    + Files.readString(log, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * Starts the application and waits until it exits or logs that it started (then stops it).
     *
     * @param properties system properties ({@code -Dname=value})
     * @param environment extra environment variables
     */
    static Outcome start(Path workDirectory, Map<String, String> properties, Map<String, String> environment) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-Dquarkus.http.port=0"));
        properties.forEach((name, value) -> command.add("-D" + name + "=" + value));
        command.addAll(List.of("-jar", JAR.toString()));
        try {
            Files.createDirectories(workDirectory);
            Path log = workDirectory.resolve("output.log");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(workDirectory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment()
                    .keySet()
                    .removeIf(name -> name.startsWith("SEALER_")
                            || name.startsWith("SEALED_SECRET_")
                            || name.startsWith("ALIYUN_")
                            || name.startsWith("QUARKUS_"));
            builder.environment().putAll(environment);
            Process process = builder.start();
            long deadline = System.nanoTime() + HANG.toNanos();
            while (System.nanoTime() < deadline) {
                if (process.waitFor(200, TimeUnit.MILLISECONDS)) {
                    return new Outcome(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
                }
                String output = Files.readString(log, StandardCharsets.UTF_8);
                if (output.contains("started in")) {
                    process.destroy();
                    process.waitFor(30, TimeUnit.SECONDS);
                    return new Outcome(null, output);
                }
            }
            process.destroyForcibly();
            throw new AssertionError("the application neither started nor failed within " + HANG + ":\n"
                    + Files.readString(log, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
