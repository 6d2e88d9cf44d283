package dev.sealer.bench;

import com.aliyun.dkms.gcs.sdk.Client;
import com.aliyun.dkms.gcs.sdk.models.DecryptRequest;
import com.aliyun.dkms.gcs.sdk.models.EncryptRequest;
import com.aliyun.dkms.gcs.sdk.models.EncryptResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.sealer.testsupport.OfficialSdk;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.ConnectionPool;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The side-by-side benchmark of BENCHMARKS.md (run it with {@code bench/run.sh}). Against one KMS
 * emulator process over loopback HTTPS, it measures the packaged application and, as the floor,
 * Alibaba's official SDK calling the KMS directly and an empty Quarkus Funqy application:
 * cold start, warm latency, throughput and peak RSS. Prints one Markdown table.
 */
public final class Benchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Both applications were built with AppCDS archives (bench/run.sh --appcds) and run with them. */
    private static final boolean APPCDS = Boolean.getBoolean("bench.appcds");
    private static final String INSTANCE = "kst-emu00000000000000001";
    private static final String CLIENT_KEY = "KAAP.emulator-client-key-0001";
    private static final String KEY = "key-emulator-0001";

    private final Path work;
    private final Path appJar;
    private final Path emptyJar;
    private final List<String> jvmFlags;
    private final int coldStarts;
    private final int latencyCalls;
    private final int rounds;
    private final Duration throughputTime;
    /**
     * The caller of the functions: OkHttp, the HTTP client the official SDK itself uses, so that the
     * side-by-side comparison measures the function and not a difference between client libraries.
     */
    private final OkHttpClient http = new OkHttpClient.Builder()
            .connectionPool(new ConnectionPool(16, 5, TimeUnit.MINUTES))
            .connectTimeout(Duration.ofSeconds(2)).readTimeout(Duration.ofSeconds(30)).build();
    private static final MediaType JSON_TYPE = MediaType.get("application/json");

    private Process emulator;
    private URI kmsEndpoint;
    private Path credentialDir;
    private Path signingKey;
    private Path verificationDir;

    Benchmark(Path work, Path appJar, Path emptyJar, List<String> jvmFlags, int coldStarts, int latencyCalls, int rounds,
            Duration throughputTime) {
        this.work = work;
        this.appJar = appJar;
        this.emptyJar = emptyJar;
        this.jvmFlags = jvmFlags;
        this.coldStarts = coldStarts;
        this.latencyCalls = latencyCalls;
        this.rounds = rounds;
        this.throughputTime = throughputTime;
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(arg(args, 0, "target/bench")).toAbsolutePath();
        // JVM flags of the measured applications, comma-separated (default: a small container's).
        List<String> flags = Arrays.asList(System.getProperty("bench.jvm-flags",
                "-Xmx160m,-XX:+UseSerialGC,-Xss512k,-XX:ReservedCodeCacheSize=64m").split(","));
        Benchmark benchmark = new Benchmark(work, Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath(),
                Path.of("bench/empty-funqy/target/quarkus-app/quarkus-run.jar").toAbsolutePath(), flags,
                Integer.getInteger("bench.cold-starts", 5), Integer.getInteger("bench.calls", 1000),
                Integer.getInteger("bench.rounds", 3), Duration.ofSeconds(Integer.getInteger("bench.seconds", 20)));
        try {
            benchmark.run();
        } finally {
            benchmark.stopEmulator();
        }
        System.exit(0);
    }

    private static String arg(String[] args, int index, String fallback) {
        return args.length > index ? args[index] : fallback;
    }

    void run() throws Exception {
        Files.createDirectories(work);
        startEmulator();
        prepareSigningKey();
        Client sdk = OfficialSdk.client(kmsEndpoint, credentialDir, INSTANCE, CLIENT_KEY);

        // A sealed secret made by the application itself, used for every unseal below.
        App app = startApp("warm");
        String sealed = call(app, "seal", Map.of("text", "benchmark secret")).get("sealed").asText();
        EncryptResponse blob = sdk.encrypt(new EncryptRequest().setKeyId(KEY).setPlaintext(new byte[32]).setAlgorithm("AES_GCM"));
        app.stop();

        log("cold starts (%d each)", coldStarts);
        List<Double> appCold = new ArrayList<>();
        List<Double> emptyCold = new ArrayList<>();
        for (int i = 0; i < coldStarts; i++) {
            appCold.add(coldStart(appJar, appArgs("cold-" + i), "unseal", Map.of("sealed", sealed), true));
            emptyCold.add(coldStart(emptyJar, List.of("-Dquarkus.http.port=" + freePort()), "noop", Map.of("sealed", "x"), false));
        }

        app = startApp("main");
        log("warm latency (%d sequential calls, %d rounds)", latencyCalls, rounds);
        List<double[]> appLatency = new ArrayList<>();
        List<double[]> sdkLatency = new ArrayList<>();
        // Warm both sides up until the JIT has compiled the hot paths.
        for (int i = 0; i < Integer.getInteger("bench.warmup", 3000); i++) {
            call(app, "unseal", Map.of("sealed", sealed));
            sdkDecrypt(sdk, blob);
        }
        for (int round = 0; round < rounds; round++) {
            App current = app;
            appLatency.add(percentiles(latencies(() -> call(current, "unseal", Map.of("sealed", sealed)))));
            sdkLatency.add(percentiles(latencies(() -> sdkDecrypt(sdk, blob))));
        }

        log("throughput (8 callers, %d s, %d rounds)", throughputTime.toSeconds(), rounds);
        app.resetPeakRss();
        RssSampler rss = new RssSampler(app.process.pid());
        List<Double> unsealRate = new ArrayList<>();
        List<Double> decryptRate = new ArrayList<>();
        List<Double> sealRate = new ArrayList<>();
        List<Double> encryptRate = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            App current = app;
            rss.start();
            unsealRate.add(throughput(() -> call(current, "unseal", Map.of("sealed", sealed))));
            rss.pause();
            decryptRate.add(throughput(() -> sdkDecrypt(sdk, blob)));
            rss.start();
            sealRate.add(throughput(() -> call(current, "seal", Map.of("text", "benchmark secret"))));
            rss.pause();
            encryptRate.add(throughput(() -> sdk.encrypt(new EncryptRequest().setKeyId(KEY).setPlaintext(new byte[32])
                    .setAlgorithm("AES_GCM"))));
        }
        long peakRss = Math.max(rss.max(), app.peakRss());

        log("CPU per operation (one more unseal and decrypt run each)");
        App measured = app;
        double[] unsealCpu = cpuPerOperation(measured, () -> call(measured, "unseal", Map.of("sealed", sealed)));
        double[] decryptCpu = cpuPerOperation(measured, () -> sdkDecrypt(sdk, blob));
        measured.stop();

        log("unseal with the opt-in data-key cache");
        App cached = startApp("cached", "-Dsealer.data-key-cache.enabled=true");
        for (int i = 0; i < Integer.getInteger("bench.warmup", 3000); i++) {
            call(cached, "unseal", Map.of("sealed", sealed));
        }
        double[] cachedLatency = percentiles(latencies(() -> call(cached, "unseal", Map.of("sealed", sealed))));
        double cachedRate = throughput(() -> call(cached, "unseal", Map.of("sealed", sealed)));
        cached.stop();

        double appColdMedian = median(appCold);
        double emptyColdMedian = median(emptyCold);
        double appP50 = median(appLatency.stream().map(p -> p[0]).toList());
        double appP99 = median(appLatency.stream().map(p -> p[1]).toList());
        double sdkP50 = median(sdkLatency.stream().map(p -> p[0]).toList());
        double sdkP99 = median(sdkLatency.stream().map(p -> p[1]).toList());
        double unseal = median(unsealRate);
        double decrypt = median(decryptRate);
        double seal = median(sealRate);
        double encrypt = median(encryptRate);

        StringBuilder table = new StringBuilder();
        table.append("| measure | sealer | floor | ratio | target |\n|---|---|---|---|---|\n");
        table.append(row("cold start to first unseal, median of " + coldStarts, ms(appColdMedian), ms(emptyColdMedian) + " (empty Funqy app)",
                appColdMedian / emptyColdMedian, "<= 1.5x and < 1500 ms"));
        table.append(row("warm unseal p50 (" + latencyCalls + " sequential)", ms(appP50), ms(sdkP50) + " (SDK Decrypt)", appP50 / sdkP50, "<= 1.5x"));
        table.append(row("warm unseal p99", ms(appP99), ms(sdkP99) + " (SDK Decrypt)", appP99 / sdkP99, "-"));
        table.append(row("unseal throughput, 8 callers", rate(unseal), rate(decrypt) + " (SDK Decrypt)", unseal / decrypt, ">= 0.7x"));
        table.append(row("seal throughput, 8 callers", rate(seal), rate(encrypt) + " (SDK Encrypt)", seal / encrypt, ">= 0.7x"));
        table.append(String.format(Locale.ROOT, "| peak RSS during the throughput runs | %.0f MB | - | - | < 250 MB |%n", peakRss / 1e6));
        table.append(String.format(Locale.ROOT, "%nCPU per operation during 8-caller runs, ms (application / KMS emulator / calling client):%n"
                + "unseal %.2f / %.2f / %.2f; SDK Decrypt - / %.2f / %.2f%n", unsealCpu[0], unsealCpu[1], unsealCpu[2],
                decryptCpu[1], decryptCpu[2]));
        table.append(String.format(Locale.ROOT, "%nopt-in data-key cache (sealer.data-key-cache.enabled=true), same sealed secret: "
                + "unseal p50 %s, p99 %s, %s with 8 callers%n", ms(cachedLatency[0]), ms(cachedLatency[1]), rate(cachedRate)));
        table.append(String.format(Locale.ROOT, "%nJVM flags of the measured applications: %s%s%n", String.join(" ", jvmFlags),
                APPCDS ? " -XX:SharedArchiveFile=app-cds.jsa (AppCDS, both applications)" : ""));
        table.append(String.format(Locale.ROOT, "%nraw: cold sealer %s ms, cold empty %s ms; p50 sealer %s, SDK %s; unseal/s %s, decrypt/s %s, seal/s %s, encrypt/s %s%n",
                fmt(appCold), fmt(emptyCold), fmt(appLatency.stream().map(p -> p[0]).toList()),
                fmt(sdkLatency.stream().map(p -> p[0]).toList()), fmt(unsealRate), fmt(decryptRate), fmt(sealRate), fmt(encryptRate)));
        System.out.println();
        System.out.println(table);
        Files.writeString(work.resolve("results.md"), table.toString());
    }

    // ---- processes -------------------------------------------------------------------------------

    private void startEmulator() throws Exception {
        credentialDir = work.resolve("kms-credentials");
        int port = freePort();
        List<String> command = new ArrayList<>(List.of("java", "-Xmx256m", "-Daliyun.kms.emulator.enabled=true",
                "-Daliyun.kms.emulator.port=" + port, "-Daliyun.kms.credential-dir=" + credentialDir,
                "-Dquarkus.http.port=" + freePort(), "-jar", appJar.toString()));
        emulator = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(work.resolve("emulator.log").toFile()).start();
        kmsEndpoint = URI.create("https://localhost:" + port);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Files.exists(credentialDir.resolve("clientKey_" + CLIENT_KEY + ".json")) || !listening(port)) {
            if (System.nanoTime() > deadline || !emulator.isAlive()) {
                throw new IllegalStateException("the emulator did not start; see " + work.resolve("emulator.log"));
            }
            Thread.sleep(50);
        }
        log("emulator at %s", kmsEndpoint);
    }

    void stopEmulator() {
        if (emulator != null) {
            emulator.destroy();
        }
    }

    private void prepareSigningKey() throws Exception {
        signingKey = work.resolve("signing.jwk");
        verificationDir = work.resolve("verification-keys");
        Files.createDirectories(verificationDir);
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("bench-key").generate();
        Files.writeString(signingKey, key.toJSONString());
        Files.writeString(verificationDir.resolve("bench-key"), key.toPublicJWK().toJSONString());
    }

    private List<String> appArgs(String name) throws IOException {
        return List.of("-Dquarkus.http.port=" + freePort(), "-Daliyun.kms.endpoint=" + kmsEndpoint,
                "-Daliyun.kms.credential-dir=" + credentialDir, "-Daliyun.kms.instance-id=" + INSTANCE,
                "-Daliyun.kms.client-key-id=" + CLIENT_KEY, "-Daliyun.kms.key-id=" + KEY,
                "-Dsealed-secret.signing.jwk-file=" + signingKey, "-Dsealed-secret.signing.kid=bench-key",
                "-Dsealed-secret.verification.key-dir=" + verificationDir, "-Dquarkus.log.level=WARN");
    }

    /** A running application process and its base URI. */
    private final class App {
        final Process process;
        final URI base;

        App(Process process, URI base) {
            this.process = process;
            this.base = base;
        }

        void stop() throws InterruptedException {
            process.destroy();
            process.waitFor();
        }

        void resetPeakRss() {
            try {
                Files.writeString(Path.of("/proc/" + process.pid() + "/clear_refs"), "5");
            } catch (IOException e) {
                log("cannot reset the peak RSS (%s); the peak includes start-up", e.getMessage());
            }
        }

        long peakRss() throws IOException {
            return RssSampler.status(process.pid(), "VmHWM:");
        }
    }

    private App startApp(String name, String... extraArgs) throws Exception {
        List<String> args = new ArrayList<>(appArgs(name));
        args.addAll(List.of(extraArgs));
        // Extra flags for the long-running application only, e.g. a JFR recording (separated by ";").
        String extra = System.getProperty("bench.main-flags", "");
        if (name.equals("main") && !extra.isEmpty()) {
            args.addAll(Arrays.asList(extra.split(";")));
        }
        int port = Integer.parseInt(args.get(0).substring("-Dquarkus.http.port=".length()));
        Process process = launch(appJar, args, name);
        App app = new App(process, URI.create("http://localhost:" + port + "/"));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!listening(port)) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new IllegalStateException("the application did not start; see " + work.resolve(name + ".log"));
            }
            Thread.sleep(20);
        }
        return app;
    }

    private Process launch(Path jar, List<String> args, String name) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("java");
        command.addAll(jvmFlags);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        if (APPCDS) {
            // An AppCDS archive only loads with the class path it was made with: run from the app's directory.
            command.add("-XX:SharedArchiveFile=app-cds.jsa");
            builder.directory(jar.getParent().toFile());
            command.add("-jar");
            command.add(jar.getFileName().toString());
        } else {
            command.add("-jar");
            command.add(jar.toString());
        }
        return builder.redirectErrorStream(true).redirectOutput(work.resolve(name + ".log").toFile()).start();
    }

    /** Milliseconds from process launch to the first successful call of {@code function}. */
    private double coldStart(Path jar, List<String> args, String function, Map<String, String> body, boolean app)
            throws Exception {
        int port = Integer.parseInt(args.get(0).substring("-Dquarkus.http.port=".length()));
        Request request = new Request.Builder().url("http://localhost:" + port + "/" + function)
                .post(RequestBody.create(JSON.writeValueAsBytes(body), JSON_TYPE)).build();
        long start = System.nanoTime();
        Process process = launch(jar, args, app ? "cold-app" : "cold-empty");
        try {
            while (true) {
                try {
                    try (Response response = http.newCall(request).execute()) {
                        if (response.code() == 200) {
                            return (System.nanoTime() - start) / 1e6;
                        }
                        throw new IllegalStateException(function + " answered " + response.code() + ": " + response.body().string());
                    }
                } catch (java.net.ConnectException | java.io.InterruptedIOException e) {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("the process died; see " + work);
                    }
                    Thread.sleep(2);
                }
            }
        } finally {
            process.destroy();
            process.waitFor();
        }
    }

    // ---- calls -----------------------------------------------------------------------------------

    private JsonNode call(App app, String function, Map<String, String> body) {
        try {
            Request request = new Request.Builder().url(app.base.resolve(function).toString())
                    .post(RequestBody.create(JSON.writeValueAsBytes(body), JSON_TYPE)).build();
            try (Response response = http.newCall(request).execute()) {
                byte[] bytes = response.body().bytes();
                if (response.code() != 200) {
                    throw new IllegalStateException(function + " answered " + response.code() + ": "
                            + new String(bytes, StandardCharsets.UTF_8));
                }
                return JSON.readTree(bytes);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object sdkDecrypt(Client sdk, EncryptResponse blob) {
        try {
            return sdk.decrypt(new DecryptRequest().setKeyId(KEY).setCiphertextBlob(blob.getCiphertextBlob())
                    .setIv(blob.getIv()).setAlgorithm("AES_GCM"));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private double[] latencies(Callable<?> call) throws Exception {
        double[] millis = new double[latencyCalls];
        for (int i = 0; i < latencyCalls; i++) {
            long start = System.nanoTime();
            call.call();
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        return millis;
    }

    private double throughput(Callable<?> call) throws Exception {
        int callers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong done = new AtomicLong();
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            futures.add(pool.submit(() -> {
                while (running.get()) {
                    call.call();
                    done.incrementAndGet();
                }
                return null;
            }));
        }
        Thread.sleep(1000); // ramp up, not counted
        long startCount = done.get();
        long start = System.nanoTime();
        Thread.sleep(throughputTime.toMillis());
        double rate = (done.get() - startCount) / ((System.nanoTime() - start) / 1e9);
        running.set(false);
        for (Future<?> future : futures) {
            future.get();
        }
        pool.shutdown();
        return rate;
    }

    /**
     * CPU milliseconds per operation over a 10 s run with 8 callers, in the application, the
     * emulator and this (calling) process.
     */
    private double[] cpuPerOperation(App app, Callable<?> call) throws Exception {
        long[] before = {cpuNanos(app.process.pid()), cpuNanos(emulator.pid()), ownCpuNanos()};
        AtomicLong count = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        AtomicBoolean running = new AtomicBoolean(true);
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            futures.add(pool.submit(() -> {
                while (running.get()) {
                    call.call();
                    count.incrementAndGet();
                }
                return null;
            }));
        }
        Thread.sleep(10_000);
        running.set(false);
        for (Future<?> future : futures) {
            future.get();
        }
        pool.shutdown();
        long[] after = {cpuNanos(app.process.pid()), cpuNanos(emulator.pid()), ownCpuNanos()};
        double[] perOperation = new double[3];
        for (int i = 0; i < 3; i++) {
            perOperation[i] = (after[i] - before[i]) / 1e6 / count.get();
        }
        return perOperation;
    }

    /** User plus system CPU time of a process, from /proc (clock ticks of 10 ms). */
    private static long cpuNanos(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10_000_000L;
    }

    private static long ownCpuNanos() throws IOException {
        return cpuNanos(ProcessHandle.current().pid());
    }

    // ---- numbers ---------------------------------------------------------------------------------

    private static double[] percentiles(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return new double[] {sorted[(int) Math.floor(0.50 * (sorted.length - 1))], sorted[(int) Math.floor(0.99 * (sorted.length - 1))]};
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static String row(String measure, String ours, String floor, double ratio, String target) {
        return String.format(Locale.ROOT, "| %s | %s | %s | %.2fx | %s |%n", measure, ours, floor, ratio, target);
    }

    private static String ms(double millis) {
        return String.format(Locale.ROOT, "%.2f ms", millis);
    }

    private static String rate(double perSecond) {
        return String.format(Locale.ROOT, "%.0f/s", perSecond);
    }

    private static String fmt(List<Double> values) {
        return values.stream().map(v -> String.format(Locale.ROOT, "%.1f", v)).toList().toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static boolean listening(int port) {
        try (java.net.Socket socket = new java.net.Socket("localhost", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void log(String format, Object... args) {
        System.out.printf("[bench] " + format + "%n", args);
    }

    /** Samples the resident set size of a process while running. */
    private static final class RssSampler {
        private final long pid;
        private volatile boolean sampling;
        private volatile long max;

        RssSampler(long pid) {
            this.pid = pid;
            Thread thread = new Thread(() -> {
                while (true) {
                    try {
                        if (sampling) {
                            max = Math.max(max, status(pid, "VmRSS:"));
                        }
                        Thread.sleep(100);
                    } catch (Exception e) {
                        return;
                    }
                }
            }, "rss-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        void start() {
            sampling = true;
        }

        void pause() {
            sampling = false;
        }

        long max() {
            return max;
        }

        static long status(long pid, String field) throws IOException {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
            return 0;
        }
    }
}
