package dev.sealer.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.sealer.testsupport.ImageJvmFlags;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Peak memory of the packaged application started with the container image's JDK and effective JVM flags
 * ({@link ImageJvmFlags}: the Dockerfile's entry point, the AOT cache included), in a simulated container
 * ({@code -XX:MaxRAM=<limit> -XX:ActiveProcessorCount=<cpus>}: the heap and the JVM's ergonomics are
 * sized as under that cgroup limit), under a load generated here: phases of concurrent seal and unseal
 * calls of small and large secrets against a KMS emulator in its own process. Prints the peak RSS
 * (kernel high-water mark, and sampled every 100 ms), the heap the flags allow and what the JVM
 * reports. Run with {@code bench/memory.sh [limit-MiB] [cpus]}.
 */
public final class MemoryUnderLoad {

    private static final String INSTANCE = "kst-emu00000000000000001";
    private static final String CLIENT_KEY = "KAAP.emulator-client-key-0001";
    private static final String KEY = "key-emulator-0001";
    private static final ObjectMapper JSON = new ObjectMapper();

    private MemoryUnderLoad() {}

    public static void main(String[] args) throws Exception {
        int limitMib = args.length > 0 ? Integer.parseInt(args[0]) : 512;
        int cpus = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        int seconds = Integer.getInteger("memory.seconds", 30);
        Path work = Path.of("target/memory").toAbsolutePath();
        Files.createDirectories(work);
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();

        ImageJvmFlags image = ImageJvmFlags.fromDockerfile(ImageJvmFlags.DOCKERFILE);
        List<String> flags = new ArrayList<>(image.effectiveFlags());
        flags.add("-XX:MaxRAM=" + limitMib + "m");
        flags.add("-XX:ActiveProcessorCount=" + cpus);
        // the image's JDK, from the application's folder (the AOT cache maps only there, and only if -Paot made it)
        String java = ImageJvmFlags.javaOfMajor(image.javaMajor().orElseThrow())
                .orElseThrow()
                .toString();
        boolean cache = Files.exists(jar.resolveSibling("app.aot"));
        System.out.printf(
                "java: %s%nflags: %s%nAOT cache: %s%n",
                java,
                String.join(" ", flags),
                cache ? "yes" : "none in target/quarkus-app (build with -Paot, bench/memory.sh does)");

        // The emulator runs only in the dev profile: its own process, in target/memory (its files under .sealer-dev/
        // there).
        Path credentials = work.resolve(".sealer-dev/kms-emulator");
        int kmsPort = freePort();
        Process emulator = new ProcessBuilder(
                        "java",
                        "-Xmx256m",
                        "-Dquarkus.profile=dev",
                        "-Daliyun.kms.emulator.port=" + kmsPort,
                        "-Dquarkus.http.port=" + freePort(),
                        "-jar",
                        jar.toString())
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("emulator.log").toFile())
                .start();
        Process app = null;
        try {
            waitFor(
                    () -> Files.exists(credentials.resolve("clientKey_" + CLIENT_KEY + ".json")) && listening(kmsPort),
                    emulator);
            Path signing = work.resolve("signing.jwk");
            Path verification = work.resolve("verification-keys");
            Files.createDirectories(verification);
            ECKey key = new ECKeyGenerator(Curve.P_256).keyID("memory-key").generate();
            Files.writeString(signing, key.toJSONString());
            Files.writeString(
                    verification.resolve("memory-key"), key.toPublicJWK().toJSONString());

            int port = freePort();
            List<String> command = new ArrayList<>(List.of(java));
            command.addAll(flags);
            command.addAll(List.of(
                    "-Dquarkus.http.port=" + port,
                    "-Daliyun.kms.endpoint=https://localhost:" + kmsPort,
                    "-Daliyun.kms.credential-dir=" + credentials,
                    "-Daliyun.kms.instance-id=" + INSTANCE,
                    "-Daliyun.kms.client-key-id=" + CLIENT_KEY,
                    "-Daliyun.kms.key-id=" + KEY,
                    "-Dsealed-secret.signing.jwk-file=" + signing,
                    "-Dsealed-secret.signing.kid=memory-key",
                    "-Dsealed-secret.verification.key-dir=" + verification,
                    "-Dsealer.allow-unauthenticated=true",
                    "-Dquarkus.log.level=WARN",
                    "-jar",
                    "quarkus-run.jar"));
            app = new ProcessBuilder(command)
                    .directory(jar.getParent().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(work.resolve("app.log").toFile())
                    .start();
            Process started = app;
            waitFor(() -> listening(port), started);
            URI base = URI.create("http://127.0.0.1:" + port + "/");
            HttpClient client = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            long pid = app.pid();
            long idle = status(pid, "VmRSS:");
            AtomicLong sampled = new AtomicLong();
            Thread sampler = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        sampled.accumulateAndGet(status(pid, "VmRSS:"), Math::max);
                        Thread.sleep(100);
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            sampler.setDaemon(true);
            sampler.start();

            // phase 1: 50 callers (Knative containerConcurrency), 1 KiB secrets; phase 2: 20 callers (FC
            // instanceConcurrency), 256 KiB secrets (half a MB per request and answer in flight)
            long[] small = load(client, base, 50, 1024, Duration.ofSeconds(seconds));
            long afterSmall = status(pid, "VmHWM:");
            long[] large = load(client, base, 20, 256 * 1024, Duration.ofSeconds(seconds));
            sampler.interrupt();
            long peak = status(pid, "VmHWM:");
            String heap = jcmd(pid, "GC.heap_info");
            System.out.printf(Locale.ROOT, "%nlimit %d MiB, %d CPU%n", limitMib, cpus);
            System.out.printf(Locale.ROOT, "RSS after start (idle): %d MiB%n", idle / 1024);
            System.out.printf(
                    Locale.ROOT,
                    "phase 1, 50 callers, 1 KiB secrets: %d calls, %d errors; peak RSS so far %d MiB%n",
                    small[0],
                    small[1],
                    afterSmall / 1024);
            System.out.printf(
                    Locale.ROOT, "phase 2, 20 callers, 256 KiB secrets: %d calls, %d errors%n", large[0], large[1]);
            System.out.printf(
                    Locale.ROOT,
                    "peak RSS (VmHWM): %d MiB; peak sampled VmRSS: %d MiB%n",
                    peak / 1024,
                    sampled.get() / 1024);
            System.out.printf("heap at the end:%n%s%n", heap);
            System.out.printf("MaxHeapSize with these flags: %s%n", maxHeap(java, flags));
        } finally {
            if (app != null) {
                app.destroy();
                app.waitFor();
            }
            emulator.destroy();
            emulator.waitFor();
        }
        System.exit(0);
    }

    /** Concurrent callers, each sealing a random secret and unsealing it; returns {calls, errors}. */
    private static long[] load(HttpClient client, URI base, int callers, int secretBytes, Duration duration)
            throws Exception {
        AtomicLong calls = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long end = System.nanoTime() + duration.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        for (int i = 0; i < callers; i++) {
            pool.submit(() -> {
                byte[] secret = new byte[secretBytes];
                while (System.nanoTime() < end) {
                    try {
                        ThreadLocalRandom.current().nextBytes(secret);
                        String plaintext = java.util.Base64.getEncoder().encodeToString(secret);
                        JsonNode sealed = post(client, base.resolve("seal"), Map.of("plaintext", plaintext));
                        JsonNode opened = post(
                                client,
                                base.resolve("unseal"),
                                Map.of("sealed", sealed.path("sealed").asText()));
                        calls.addAndGet(2);
                        if (!plaintext.equals(opened.path("plaintext").asText())) {
                            errors.incrementAndGet();
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                }
                return null;
            });
        }
        pool.shutdown();
        pool.awaitTermination(duration.toSeconds() + 120, java.util.concurrent.TimeUnit.SECONDS);
        return new long[] {calls.get(), errors.get()};
    }

    private static JsonNode post(HttpClient client, URI uri, Map<String, String> body) throws Exception {
        HttpResponse<byte[]> response = client.send(
                HttpRequest.newBuilder(uri)
                        .header("content-type", "application/json")
                        .timeout(Duration.ofSeconds(60))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IOException("HTTP " + response.statusCode());
        }
        return JSON.readTree(response.body());
    }

    private static String maxHeap(String java, List<String> flags) throws Exception {
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(flags.stream().filter(f -> !f.startsWith("-XX:AOTCache")).toList());
        command.addAll(List.of("-XX:+PrintFlagsFinal", "-version"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes());
        process.waitFor();
        for (String line : out.split("\n")) {
            if (line.contains(" MaxHeapSize ")) {
                long bytes = Long.parseLong(line.replaceAll(".*=\\s*(\\d+).*", "$1"));
                return bytes / (1024 * 1024) + " MiB";
            }
        }
        return "?";
    }

    private static String jcmd(long pid, String command) {
        try {
            Process process = new ProcessBuilder("jcmd", String.valueOf(pid), command)
                    .redirectErrorStream(true)
                    .start();
            String out = new String(process.getInputStream().readAllBytes());
            process.waitFor();
            return out.trim();
        } catch (Exception e) {
            return "(jcmd: " + e.getMessage() + ")";
        }
    }

    static long status(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IOException("no " + field);
    }

    interface Condition {
        boolean holds() throws Exception;
    }

    private static void waitFor(Condition condition, Process process) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new IllegalStateException("a process did not start; see target/memory/*.log");
            }
            Thread.sleep(50);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
