package dev.sealer.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.sealer.testsupport.ImageJvmFlags;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoublePredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The side-by-side benchmark of BENCHMARKS.md ({@code bench/run.sh} builds what it needs and runs it).
 * Against one KMS emulator process over loopback HTTPS, it compares the packaged application with its
 * floors: an empty Quarkus Funqy application for cold start, Alibaba's official SDK calling the KMS
 * directly for warm latency and throughput. Both sides of each comparison run alike:
 *
 * <ul>
 *   <li>the same JDK and JVM flags. A <em>mode</em> is a JDK, a build and flags: the default build on
 *       JDK 17, and the JDK 25 AOT build (each application with the AOT cache its own integration tests
 *       trained). Warm measurements use the container image's effective flags ({@link ImageJvmFlags},
 *       in a simulated container of the Knative service's limits); cold starts also the README's launch;
 *   <li>the SDK runs in a process of its own ({@link LoadDriver}) with those flags, and so does the
 *       caller of the functions (OkHttp, the SDK's own HTTP client);
 *   <li>every operation measured is warmed up first (sequential calls, then a concurrent burst);
 *   <li>each round measures both sides back to back (alternating which goes first) and gives a ratio;
 *       the result is the median of the per-round ratios, with their range;
 *   <li>whether a target is met is computed here.
 * </ul>
 *
 * The measured application runs as a user runs it: prod profile, an API token. The emulator runs
 * only in the dev profile, in a process of its own. Prints the results and writes them, in Markdown,
 * to {@code <work>/results.md}.
 */
public final class Benchmark {

    private static final String INSTANCE = "kst-emu00000000000000001";
    private static final String CLIENT_KEY = "KAAP.emulator-client-key-0001";
    private static final String KEY = "key-emulator-0001";
    private static final String TOKEN = "benchmark-api-token-0001";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Targets of issue 15. */
    private static final double COLD_TARGET = 1.3;

    private static final double P50_TARGET = 1.35;
    private static final double THROUGHPUT_TARGET = 0.8;
    private static final long RSS_TARGET_MB = 200;

    /** How a process is launched: which java, which flags, from which application directory. */
    record Launch(String name, Path java, List<String> flags, Path sealerDir, Path emptyDir) {}

    private final Path work;
    private final Settings settings;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofMillis(500))
            .build();
    private Process emulator;
    private URI kmsEndpoint;
    private Path credentialDir;
    private Path signingKey;
    private Path verificationDir;
    private final StringBuilder report = new StringBuilder();
    private final List<String> summary = new ArrayList<>();

    record Settings(
            int rounds,
            int coldRounds,
            int calls,
            int warmup,
            int seconds,
            int callers,
            Path jdk17,
            Path jdk25,
            Path apps,
            int limitMib,
            int cpus) {}

    private Benchmark(Path work, Settings settings) {
        this.work = work;
        this.settings = settings;
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args.length > 0 ? args[0] : "target/bench").toAbsolutePath();
        Map<String, String> limits = knativeLimits();
        Settings settings = new Settings(
                Integer.getInteger("bench.rounds", 5),
                Integer.getInteger("bench.cold-rounds", 7),
                Integer.getInteger("bench.calls", 1000),
                Integer.getInteger("bench.warmup", 2000),
                Integer.getInteger("bench.seconds", 10),
                Integer.getInteger("bench.callers", 8),
                Path.of(System.getProperty("bench.jdk17", "/usr/lib/jvm/java-17-openjdk-amd64")),
                Path.of(System.getProperty("bench.jdk25", "/usr/lib/jvm/temurin-25-jdk-amd64")),
                Path.of(System.getProperty("bench.apps", work.resolve("apps").toString()))
                        .toAbsolutePath(),
                Integer.parseInt(limits.get("memory")),
                Integer.parseInt(limits.get("cpu")));
        Benchmark benchmark = new Benchmark(work, settings);
        try {
            benchmark.run();
        } finally {
            benchmark.stopEmulator();
        }
        System.exit(0);
    }

    /** The container the image runs in: the Knative service's memory (MiB) and CPU limits. */
    static Map<String, String> knativeLimits() throws IOException {
        String service = Files.readString(Path.of("deploy/knative/service.yaml"));
        Matcher limits = Pattern.compile("limits:\\s*\\n\\s*cpu:\\s*\"?(\\d+)\"?\\s*\\n\\s*memory:\\s*(\\d+)Mi")
                .matcher(service);
        if (!limits.find()) {
            throw new IllegalStateException("deploy/knative/service.yaml: no limits {cpu, memory}");
        }
        return Map.of("cpu", limits.group(1), "memory", limits.group(2));
    }

    void run() throws Exception {
        Files.createDirectories(work);
        Path java17 = settings.jdk17().resolve("bin/java");
        Path java25 = settings.jdk25().resolve("bin/java");
        Path sealer17 = settings.apps().resolve("sealer-jdk17");
        Path empty17 = settings.apps().resolve("empty-jdk17");
        Path sealerAot = settings.apps().resolve("sealer-aot");
        Path emptyAot = settings.apps().resolve("empty-aot");
        for (Path dir : List.of(sealer17, empty17, sealerAot, emptyAot)) {
            require(
                    Files.exists(dir.resolve("quarkus-run.jar")),
                    dir + " holds no packaged application (bench/run.sh builds them)");
        }
        require(
                Files.exists(sealerAot.resolve("app.aot")) && Files.exists(emptyAot.resolve("app.aot")),
                "the AOT builds hold no app.aot (built with -Paot on JDK 25?)");

        // The image's effective flags, in a simulated container of the Knative service's limits.
        List<String> image = new ArrayList<>(
                ImageJvmFlags.fromDockerfile(ImageJvmFlags.DOCKERFILE).effectiveFlags());
        image.add("-XX:MaxRAM=" + settings.limitMib() + "m");
        image.add("-XX:ActiveProcessorCount=" + settings.cpus());
        List<String> imageWithoutCache =
                image.stream().filter(f -> !f.startsWith("-XX:AOTCache")).toList();

        Launch readme17 = new Launch(
                "JDK 17, default build, `java -jar quarkus-run.jar` (the launch before this issue)",
                java17,
                List.of(),
                sealer17,
                empty17);
        Launch readmeAot = new Launch(
                "JDK 25, AOT build, README launch `java -XX:AOTCache=app.aot -jar quarkus-run.jar`",
                java25,
                List.of("-XX:AOTCache=app.aot"),
                sealerAot,
                emptyAot);
        Launch image17 = new Launch(
                "JDK 17, default build, the image's memory flags", java17, imageWithoutCache, sealer17, empty17);
        Launch imageAot = new Launch(
                "JDK 25, AOT build, the image's flags (the container image)", java25, image, sealerAot, emptyAot);

        startEmulator(sealer17, java17);
        prepareSigningKey();
        String sealed = sealOnce(readme17);

        line(
                "Fresh run of `bench/run.sh` on %s; %d CPUs (shared), %d MiB. Simulated container: %d MiB, %d CPU "
                        + "(deploy/knative/service.yaml). Image flags: `%s`.",
                LocalDate.now(),
                Runtime.getRuntime().availableProcessors(),
                totalMemoryMib(),
                settings.limitMib(),
                settings.cpus(),
                String.join(" ", image));
        line("");

        coldStarts(List.of(readme17, readmeAot, imageAot), sealed);
        warm(image17, sealed);
        warm(imageAot, sealed);

        StringBuilder out = new StringBuilder();
        out.append("### Targets\n\n| measure | before (issue 15) | now | target | met |\n|---|---|---|---|---|\n");
        summary.forEach(s -> out.append(s).append('\n'));
        out.append('\n').append(report);
        System.out.println();
        System.out.println(out);
        Files.writeString(work.resolve("results.md"), out.toString());
    }

    // ---- cold start -------------------------------------------------------------------------------

    private void coldStarts(List<Launch> launches, String sealed) throws Exception {
        log("cold starts: %d rounds of %d launch pairs", settings.coldRounds(), launches.size());
        Map<Launch, List<double[]>> results = new LinkedHashMap<>();
        launches.forEach(l -> results.put(l, new ArrayList<>()));
        for (int round = 0; round < settings.coldRounds(); round++) {
            for (Launch launch : launches) {
                double sealer;
                double empty;
                // alternate which application starts first in a round
                if (round % 2 == 0) {
                    sealer = coldStart(launch, true, sealed);
                    empty = coldStart(launch, false, sealed);
                } else {
                    empty = coldStart(launch, false, sealed);
                    sealer = coldStart(launch, true, sealed);
                }
                results.get(launch).add(new double[] {sealer, empty});
                log("  %s: sealer %.0f ms, empty %.0f ms", launch.name(), sealer, empty);
            }
        }
        line("### Cold start: launch to the first `200` of `POST /unseal`, against an empty Funqy app launched alike");
        line("");
        line(
                "Each round launches both applications back to back (alternating which goes first); the empty app's "
                        + "time is to its first `200` of `POST /noop`. %d rounds; ratio = median of the per-round ratios [range].",
                settings.coldRounds());
        line("");
        line("| launch | sealer (median) | empty app (median) | ratio | target | met |");
        line("|---|---|---|---|---|---|");
        for (Map.Entry<Launch, List<double[]>> entry : results.entrySet()) {
            List<double[]> rounds = entry.getValue();
            double[] ratios = rounds.stream().mapToDouble(r -> r[0] / r[1]).toArray();
            line(
                    "| %s | %.0f ms | %.0f ms | %s | <= %.1fx | %s |",
                    entry.getKey().name(),
                    median(col(rounds, 0)),
                    median(col(rounds, 1)),
                    ratioText(ratios),
                    COLD_TARGET,
                    met(median(ratios), r -> r <= COLD_TARGET));
        }
        line("");
        for (Map.Entry<Launch, List<double[]>> entry : results.entrySet()) {
            line(
                    "raw (%s): sealer %s ms, empty %s ms",
                    entry.getKey().name(), fmt(col(entry.getValue(), 0)), fmt(col(entry.getValue(), 1)));
            line("");
        }
        double[] before = results.get(launches.get(0)).stream()
                .mapToDouble(r -> r[0] / r[1])
                .toArray();
        double[] readme = results.get(launches.get(1)).stream()
                .mapToDouble(r -> r[0] / r[1])
                .toArray();
        double[] image = results.get(launches.get(2)).stream()
                .mapToDouble(r -> r[0] / r[1])
                .toArray();
        summary.add(String.format(
                Locale.ROOT,
                "| cold start to first unseal vs an empty Funqy app launched alike, README launch "
                        + "| 2.0x (here: %.2fx, JDK 17) | %.2fx | <= %.1fx | %s |",
                median(before),
                median(readme),
                COLD_TARGET,
                met(median(readme), r -> r <= COLD_TARGET)));
        summary.add(String.format(
                Locale.ROOT,
                "| the same with the image's flags | - | %.2fx | <= %.1fx | %s |",
                median(image),
                COLD_TARGET,
                met(median(image), r -> r <= COLD_TARGET)));
        List<double[]> readmeRounds = results.get(launches.get(1));
        List<double[]> beforeRounds = results.get(launches.get(0));
        double[] againstDefaultEmpty = new double[Math.min(readmeRounds.size(), beforeRounds.size())];
        for (int i = 0; i < againstDefaultEmpty.length; i++) {
            againstDefaultEmpty[i] = readmeRounds.get(i)[0] / beforeRounds.get(i)[1];
        }
        summary.add(String.format(
                Locale.ROOT,
                "| (for scale, not the target: the README launch vs the empty app launched the old way, "
                        + "JDK 17 `java -jar`) | - | %.2fx | - | - |",
                median(againstDefaultEmpty)));
    }

    /** Milliseconds from launch to the first 200 answer. */
    private double coldStart(Launch launch, boolean sealer, String sealed) throws Exception {
        int port = freePort();
        String function = sealer ? "unseal" : "noop";
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/" + function))
                .header("content-type", "application/json")
                .header("authorization", "Bearer " + TOKEN)
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("sealed", sealed))))
                .build();
        long start = System.nanoTime();
        Process process = launchApp(launch, sealer, port, "cold");
        try {
            while (true) {
                try {
                    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() == 200) {
                        return (System.nanoTime() - start) / 1e6;
                    }
                    throw new IllegalStateException(
                            function + " answered " + response.statusCode() + ": " + response.body());
                } catch (java.net.ConnectException e) {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("the application died; see " + work.resolve("cold.log"));
                    }
                    Thread.sleep(2);
                }
            }
        } finally {
            process.destroy();
            process.waitFor();
        }
    }

    // ---- warm: latency, throughput, memory ----------------------------------------------------------

    private void warm(Launch launch, String sealed) throws Exception {
        log("warm: %s", launch.name());
        int port = freePort();
        Process app = launchApp(launch, true, port, "warm");
        waitListening(port, app);
        List<String> driverFlags = launch.flags().stream()
                .filter(f -> !f.startsWith("-XX:AOTCache"))
                .toList();
        try (Driver function = new Driver(
                        launch.java(), driverFlags, "function", "http://127.0.0.1:" + port + "/", TOKEN, sealed);
                Driver sdk = new Driver(
                        launch.java(),
                        driverFlags,
                        "sdk",
                        kmsEndpoint.toString(),
                        credentialDir.toString(),
                        INSTANCE,
                        CLIENT_KEY,
                        KEY)) {
            for (String operation : List.of("open", "close")) {
                function.ask("warmup " + operation + " " + settings.warmup());
                sdk.ask("warmup " + operation + " " + settings.warmup());
            }
            List<double[]> latency = new ArrayList<>();
            List<double[]> open = new ArrayList<>();
            List<double[]> close = new ArrayList<>();
            CpuTally cpuUnseal = new CpuTally();
            CpuTally cpuDecrypt = new CpuTally();
            long peakRss = 0;
            resetPeakRss(app.pid());
            for (int round = 0; round < settings.rounds(); round++) {
                boolean functionFirst = round % 2 == 0;
                double[] ours = null;
                double[] floor = null;
                for (int side = 0; side < 2; side++) {
                    if ((side == 0) == functionFirst) {
                        ours = parse(function.ask("latency open " + settings.calls()));
                    } else {
                        floor = parse(sdk.ask("latency open " + settings.calls()));
                    }
                }
                latency.add(new double[] {ours[0], floor[0], ours[1], floor[1]});
                double[] rates = new double[4];
                for (int side = 0; side < 2; side++) {
                    if ((side == 0) == functionFirst) {
                        long[] before = cpu(app, function);
                        RssPeak peak = new RssPeak(app.pid());
                        double[] result =
                                parse(function.ask("throughput open " + settings.callers() + " " + settings.seconds()));
                        rates[0] = result[0];
                        peakRss = Math.max(peakRss, peak.stop());
                        cpuUnseal.add(before, cpu(app, function), (long) result[1]);
                    } else {
                        long[] before = cpu(app, sdk);
                        double[] result =
                                parse(sdk.ask("throughput open " + settings.callers() + " " + settings.seconds()));
                        rates[1] = result[0];
                        cpuDecrypt.add(before, cpu(app, sdk), (long) result[1]);
                    }
                }
                for (int side = 0; side < 2; side++) {
                    if ((side == 0) == functionFirst) {
                        RssPeak peak = new RssPeak(app.pid());
                        rates[2] = parse(
                                function.ask("throughput close " + settings.callers() + " " + settings.seconds()))[0];
                        peakRss = Math.max(peakRss, peak.stop());
                    } else {
                        rates[3] =
                                parse(sdk.ask("throughput close " + settings.callers() + " " + settings.seconds()))[0];
                    }
                }
                open.add(new double[] {rates[0], rates[1]});
                close.add(new double[] {rates[2], rates[3]});
                log(
                        "  round %d: p50 %.2f / %.2f ms, unseal %.0f/s vs decrypt %.0f/s, seal %.0f/s vs encrypt %.0f/s",
                        round + 1, ours[0], floor[0], rates[0], rates[1], rates[2], rates[3]);
            }
            peakRss = Math.max(peakRss, status(app.pid(), "VmHWM:"));
            double[] p50 = latency.stream().mapToDouble(r -> r[0] / r[1]).toArray();
            double[] p99 = latency.stream().mapToDouble(r -> r[2] / r[3]).toArray();
            double[] unseal = open.stream().mapToDouble(r -> r[0] / r[1]).toArray();
            double[] seal = close.stream().mapToDouble(r -> r[0] / r[1]).toArray();
            line("### Warm: %s", launch.name());
            line("");
            line(
                    "JVM flags of the application and of both callers (the SDK's process and the functions' caller): `%s`; "
                            + "the application also `%s`. %d warm-up calls and a 2 s burst of 8 callers per operation and side; %d rounds; "
                            + "ratio = median of the per-round ratios [range].",
                    String.join(" ", driverFlags),
                    launch.flags().stream()
                            .filter(f -> f.startsWith("-XX:AOTCache"))
                            .findFirst()
                            .orElse("no AOT cache"),
                    settings.warmup(),
                    settings.rounds());
            line("");
            line("| measure | sealer (median) | floor (median) | ratio | target | met |");
            line("|---|---|---|---|---|---|");
            line(
                    "| warm unseal p50, %d sequential calls | %.2f ms | %.2f ms (SDK Decrypt) | %s | <= %.2fx | %s |",
                    settings.calls(),
                    median(col(latency, 0)),
                    median(col(latency, 1)),
                    ratioText(p50),
                    P50_TARGET,
                    met(median(p50), r -> r <= P50_TARGET));
            line(
                    "| warm unseal p99 | %.2f ms | %.2f ms (SDK Decrypt) | %s | - | |",
                    median(col(latency, 2)), median(col(latency, 3)), ratioText(p99));
            line(
                    "| unseal throughput, %d callers, %d s | %.0f/s | %.0f/s (SDK Decrypt) | %s | >= %.1fx | %s |",
                    settings.callers(),
                    settings.seconds(),
                    median(col(open, 0)),
                    median(col(open, 1)),
                    ratioText(unseal),
                    THROUGHPUT_TARGET,
                    met(median(unseal), r -> r >= THROUGHPUT_TARGET));
            line(
                    "| seal throughput, %d callers | %.0f/s | %.0f/s (SDK Encrypt) | %s | - | |",
                    settings.callers(), median(col(close, 0)), median(col(close, 1)), ratioText(seal));
            line(
                    "| peak RSS of the application during its throughput runs | %d MB | - | - | < %d MB | %s |",
                    peakRss / 1_000_000, RSS_TARGET_MB, met(peakRss / 1e6, r -> r < RSS_TARGET_MB));
            line("");
            line(
                    "CPU per operation in the throughput runs, ms (application / KMS emulator / calling process): unseal %.2f / %.2f / %.2f; "
                            + "SDK Decrypt - / %.2f / %.2f (the SDK's own process).",
                    cpuUnseal.per(0), cpuUnseal.per(1), cpuUnseal.per(2), cpuDecrypt.per(1), cpuDecrypt.per(2));
            line("");
            line(
                    "raw: p50 sealer %s, SDK %s ms; unseal/s %s, decrypt/s %s; seal/s %s, encrypt/s %s",
                    fmt(col(latency, 0)),
                    fmt(col(latency, 1)),
                    fmt(col(open, 0)),
                    fmt(col(open, 1)),
                    fmt(col(close, 0)),
                    fmt(col(close, 1)));
            line("");
            String before17 = launch.java().toString().contains("17") ? " (default build)" : "";
            summary.add(String.format(
                    Locale.ROOT,
                    "| warm unseal p50 vs SDK Decrypt, %s%s | 1.78x | %.2fx | <= %.2fx | %s |",
                    shortName(launch),
                    before17,
                    median(p50),
                    P50_TARGET,
                    met(median(p50), r -> r <= P50_TARGET)));
            summary.add(String.format(
                    Locale.ROOT,
                    "| throughput, %d callers, unseal vs SDK Decrypt, %s | 0.61x | %.2fx | >= %.1fx | %s |",
                    settings.callers(),
                    shortName(launch),
                    median(unseal),
                    THROUGHPUT_TARGET,
                    met(median(unseal), r -> r >= THROUGHPUT_TARGET)));
            summary.add(String.format(
                    Locale.ROOT,
                    "| peak RSS under load (%d callers), %s | 255-343 MB | %d MB | < %d MB | %s |",
                    settings.callers(),
                    shortName(launch),
                    peakRss / 1_000_000,
                    RSS_TARGET_MB,
                    met(peakRss / 1e6, r -> r < RSS_TARGET_MB)));
        } finally {
            app.destroy();
            app.waitFor();
        }
    }

    private static String shortName(Launch launch) {
        return launch.name().startsWith("JDK 17") ? "JDK 17" : "image (JDK 25 + AOT cache)";
    }

    /** CPU time (ns) of the application, the emulator and the calling process. */
    private long[] cpu(Process app, Driver caller) throws IOException {
        return new long[] {cpuNanos(app.pid()), cpuNanos(emulator.pid()), cpuNanos(caller.process.pid())};
    }

    /** CPU time of the application, the emulator and the calling process over runs, and the operations done. */
    private static final class CpuTally {
        private final long[] nanos = new long[3];
        private long operations;

        void add(long[] before, long[] after, long done) {
            for (int i = 0; i < 3; i++) {
                nanos[i] += after[i] - before[i];
            }
            operations += done;
        }

        /** ms per operation of process {@code index}. */
        double per(int index) {
            return operations == 0 ? 0 : nanos[index] / 1e6 / operations;
        }
    }

    // ---- processes ---------------------------------------------------------------------------------

    private void startEmulator(Path sealerDir, Path java) throws Exception {
        // The emulator runs only in the dev profile (refused elsewhere): a process of its own, in a folder of its own.
        Path home = work.resolve("kms-emulator");
        credentialDir = home.resolve("kms");
        Files.createDirectories(home);
        int port = freePort();
        emulator = new ProcessBuilder(
                        java.toString(),
                        "-Xmx256m",
                        "-Dquarkus.profile=dev",
                        "-Daliyun.kms.emulator.port=" + port,
                        "-Daliyun.kms.emulator.directory=" + credentialDir,
                        "-Dquarkus.http.port=" + freePort(),
                        "-Dquarkus.log.level=WARN",
                        "-jar",
                        sealerDir.resolve("quarkus-run.jar").toString())
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("emulator.log").toFile())
                .start();
        kmsEndpoint = URI.create("https://localhost:" + port);
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!Files.exists(credentialDir.resolve("clientKey_" + CLIENT_KEY + ".json")) || !listening(port)) {
            if (System.nanoTime() > deadline || !emulator.isAlive()) {
                throw new IllegalStateException("the emulator did not start; see " + work.resolve("emulator.log"));
            }
            Thread.sleep(50);
        }
        log("emulator at %s", kmsEndpoint);
    }

    void stopEmulator() throws InterruptedException {
        if (emulator != null) {
            emulator.destroy();
            emulator.waitFor();
        }
    }

    private void prepareSigningKey() throws Exception {
        signingKey = work.resolve("signing.jwk");
        verificationDir = work.resolve("verification-keys");
        Files.createDirectories(verificationDir);
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("bench-key").generate();
        Files.writeString(signingKey, key.toJSONString());
        Files.writeString(
                verificationDir.resolve("bench-key"), key.toPublicJWK().toJSONString());
    }

    /** A sealed secret made by the application itself, used for every unseal. */
    private String sealOnce(Launch launch) throws Exception {
        int port = freePort();
        Process app = launchApp(launch, true, port, "seal");
        try {
            waitListening(port, app);
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/seal"))
                            .header("content-type", "application/json")
                            .header("authorization", "Bearer " + TOKEN)
                            .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"benchmark secret\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            require(response.statusCode() == 200, "seal answered " + response.statusCode() + ": " + response.body());
            return JSON.readTree(response.body()).get("sealed").asText();
        } finally {
            app.destroy();
            app.waitFor();
        }
    }

    /**
     * Starts the sealer (prod profile, as a user runs it: an API token, a KMS reached from configuration)
     * or the empty app, from its application directory (an AOT cache only loads with the class path it was
     * made with).
     */
    private Process launchApp(Launch launch, boolean sealer, int port, String name) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(launch.java().toString());
        command.addAll(launch.flags());
        command.add("-Dquarkus.http.port=" + port);
        if (sealer) {
            // e.g. -Dbench.app-opts="-XX:StartFlightRecording=filename=/tmp/jfr/" to profile the application
            command.addAll(List.of(System.getProperty("bench.app-opts", "").split("\\s+")).stream()
                    .filter(option -> !option.isBlank())
                    .toList());
            command.addAll(List.of(
                    "-Daliyun.kms.endpoint=" + kmsEndpoint,
                    "-Daliyun.kms.credential-dir=" + credentialDir,
                    "-Daliyun.kms.instance-id=" + INSTANCE,
                    "-Daliyun.kms.client-key-id=" + CLIENT_KEY,
                    "-Daliyun.kms.key-id=" + KEY,
                    "-Dsealed-secret.signing.jwk-file=" + signingKey,
                    "-Dsealed-secret.signing.kid=bench-key",
                    "-Dsealed-secret.verification.key-dir=" + verificationDir,
                    "-Dsealer.api-token=" + TOKEN));
        }
        command.addAll(List.of("-jar", "quarkus-run.jar"));
        Path dir = sealer ? launch.sealerDir() : launch.emptyDir();
        return new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(work.resolve(name + ".log").toFile())
                .start();
    }

    private void waitListening(int port, Process process) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!listening(port)) {
            require(System.nanoTime() < deadline && process.isAlive(), "the application did not start; see " + work);
            Thread.sleep(20);
        }
    }

    /** A {@link LoadDriver} process, with the same JDK and flags as the application it is compared with. */
    private final class Driver implements AutoCloseable {
        final Process process;
        private final BufferedReader out;
        private final BufferedWriter in;

        Driver(Path java, List<String> flags, String... args) throws IOException {
            List<String> command = new ArrayList<>(List.of(java.toString()));
            command.addAll(flags);
            command.addAll(List.of(
                    "-Dcom.google.protobuf.use_unsafe_pre22_gencode=true",
                    "-cp",
                    System.getProperty("java.class.path"),
                    LoadDriver.class.getName()));
            command.addAll(List.of(args));
            process = new ProcessBuilder(command)
                    .redirectError(work.resolve("driver-" + args[0] + ".err").toFile())
                    .start();
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            in = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
            require("ready".equals(out.readLine()), "the " + args[0] + " driver did not start; see " + work);
        }

        String ask(String command) throws IOException {
            in.write(command + "\n");
            in.flush();
            String answer = out.readLine();
            require(answer != null, "the driver died on '" + command + "'; see " + work);
            return answer;
        }

        @Override
        public void close() throws Exception {
            in.write("quit\n");
            in.flush();
            process.waitFor();
        }
    }

    /** Samples VmRSS every 50 ms until stopped; returns the peak in bytes. */
    private static final class RssPeak {
        private final Thread thread;
        private volatile long peak;
        private volatile boolean running = true;

        RssPeak(long pid) {
            thread = new Thread(
                    () -> {
                        while (running) {
                            try {
                                peak = Math.max(peak, status(pid, "VmRSS:"));
                                Thread.sleep(50);
                            } catch (Exception e) {
                                return;
                            }
                        }
                    },
                    "rss-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        long stop() throws InterruptedException {
            running = false;
            thread.join();
            return peak;
        }
    }

    /** Resets the kernel's high-water mark (VmHWM), so that it covers the load and not the start. */
    private static void resetPeakRss(long pid) {
        try {
            Files.writeString(Path.of("/proc/" + pid + "/clear_refs"), "5");
        } catch (IOException e) {
            log("cannot reset the peak RSS (%s); the peak includes start-up", e.getMessage());
        }
    }

    static long status(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return 0;
    }

    private static long cpuNanos(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10_000_000L;
    }

    private static long totalMemoryMib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemTotal:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        }
        return 0;
    }

    // ---- numbers -----------------------------------------------------------------------------------

    private static double[] parse(String answer) {
        return Arrays.stream(answer.trim().split("\\s+"))
                .mapToDouble(Double::parseDouble)
                .toArray();
    }

    private static double[] col(List<double[]> rows, int index) {
        return rows.stream().mapToDouble(r -> r[index]).toArray();
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static String ratioText(double[] ratios) {
        return String.format(
                Locale.ROOT,
                "%.2fx [%.2f-%.2f]",
                median(ratios),
                Arrays.stream(ratios).min().orElse(0),
                Arrays.stream(ratios).max().orElse(0));
    }

    private static String met(double value, DoublePredicate target) {
        return target.test(value) ? "yes" : "**no**";
    }

    private static String fmt(double[] values) {
        return Arrays.stream(values)
                .mapToObj(v -> String.format(Locale.ROOT, v < 20 ? "%.2f" : "%.0f", v))
                .toList()
                .toString();
    }

    private void line(String format, Object... args) {
        report.append(String.format(Locale.ROOT, format, args)).append('\n');
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
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

    private static void log(String format, Object... args) {
        System.out.printf("[bench] " + format + "%n", args);
    }
}
