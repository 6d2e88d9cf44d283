package dev.sealer.packaged;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.sealer.emulator.EmulatorFaults;
import dev.sealer.emulator.EmulatorServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged application with the container image's heap ({@code -Xmx256m -XX:+UseSerialGC
 * -XX:MaxRAM=512m}, as the second adversarial probe ran it; on the JVM that runs the tests, JDK 17 by
 * default, where the image runs Temurin 25 with the same collector) under the probe's load, on loopback: rounds of
 * 20 parallel batch seals that ask for a Kubernetes manifest (the answer holds the sealed map, the JSON
 * manifest and its YAML: several times the request). Each answer must be a success, a 4xx for what is
 * over a documented limit, or {@code 503 overloaded}; never another 5xx, and the log never shows an
 * {@code OutOfMemoryError}. Bounded in count (3 rounds of 20) and time (each call 120 s at most, far
 * beyond any answer here). The JVM's GC log is kept in {@code target/heap-it/gc.log}; the largest heap
 * measured is printed.
 */
class HeapUnderLoadIT {

    /** The image's heap, as the probe set it (src/main/docker/Dockerfile.jvm: serial GC, 40 % of 512 MiB ~ 205 MiB). */
    static final List<String> IMAGE_HEAP = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:MaxRAM=512m");

    private static final Path WORK = Path.of("target/heap-it").toAbsolutePath();
    private static final String INSTANCE = "kst-heapit0000000000001";
    private static final String CLIENT_KEY = "KAAP.heap-it-0001";
    private static final String KEY = "key-heap-it-0001";
    private static final String TOKEN = "heap-it-token-2f9c41";
    private static final int PARALLEL = 20;
    private static final int ROUNDS = 3;
    private static final long HEAP_MIB = 256;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static EmulatorServer kms;
    private static PackagedApp.Running app;
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30))
            .build();

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectories(WORK);
        Path verification = Files.createDirectories(WORK.resolve("verification-keys"));
        kms = new EmulatorServer(
                        EmulatorServer.Settings.forTests(
                                WORK.resolve("kms"), INSTANCE, CLIENT_KEY, List.of(KEY), Map.of()),
                        new EmulatorFaults())
                .start();
        ECKey signing = new ECKeyGenerator(Curve.P_256).keyID("heap-it").generate();
        Path jwk = WORK.resolve("signing.jwk");
        Files.writeString(jwk, signing.toJSONString(), StandardCharsets.UTF_8);
        Files.writeString(verification.resolve("heap-it"), signing.toPublicJWK().toJSONString());
        Files.deleteIfExists(WORK.resolve("gc.log"));

        List<String> flags = new ArrayList<>(IMAGE_HEAP);
        flags.add("-Xlog:gc:file=" + WORK.resolve("gc.log"));
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("aliyun.kms.endpoint", kms.endpoint().toString());
        properties.put("aliyun.kms.credential-dir", WORK.resolve("kms").toString());
        properties.put("aliyun.kms.instance-id", INSTANCE);
        properties.put("aliyun.kms.client-key-id", CLIENT_KEY);
        properties.put("aliyun.kms.key-id", KEY);
        properties.put("sealed-secret.signing.jwk-file", jwk.toString());
        properties.put("sealed-secret.signing.kid", "heap-it");
        properties.put("sealed-secret.verification.key-dir", verification.toString());
        properties.put("sealer.api-token", TOKEN);
        app = PackagedApp.run(WORK.resolve("app"), flags, properties);
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            System.out.println("HeapUnderLoadIT: " + heapMeasured());
            app.close();
        }
        if (kms != null) {
            kms.close();
        }
    }

    /** A batch of two texts of {@code characters} each, sealed as a Kubernetes Secret manifest. */
    private static byte[] manifestBatch(String character, int characters) throws IOException {
        Map<String, Object> secrets = new LinkedHashMap<>();
        secrets.put("a", Map.of("text", character.repeat(characters)));
        secrets.put("b", Map.of("text", character.repeat(characters)));
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("secrets", secrets);
        request.put("output", "kubernetes-secret");
        request.put(
                "metadata", Map.of("name", "heap-test", "namespace", "sealer", "labels", Map.of("app", "heap-test")));
        return JSON.writeValueAsBytes(request);
    }

    /** Sends ROUNDS x PARALLEL copies of the body to a path; returns the count of each outcome ("200", "503 overloaded", ...). */
    private static Map<String, Integer> load(String path, byte[] body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                .timeout(Duration.ofSeconds(120))
                .header("content-type", "application/json")
                .header("authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        Map<String, Integer> outcomes = new TreeMap<>();
        for (int round = 0; round < ROUNDS; round++) {
            List<CompletableFuture<HttpResponse<byte[]>>> calls = new ArrayList<>();
            for (int i = 0; i < PARALLEL; i++) {
                calls.add(CLIENT.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()));
            }
            for (CompletableFuture<HttpResponse<byte[]>> call : calls) {
                HttpResponse<byte[]> response = call.get(180, TimeUnit.SECONDS);
                String outcome =
                        response.statusCode() == 200 ? "200" : response.statusCode() + " " + error(response.body());
                outcomes.merge(outcome, 1, Integer::sum);
            }
        }
        return outcomes;
    }

    private static String error(byte[] body) {
        try {
            JsonNode json = JSON.readTree(body);
            return json.path("error").asText("(no error code)");
        } catch (IOException e) {
            return "(not JSON)";
        }
    }

    /** Where the application's log and GC log stood before a load. */
    private record Before(int log, int gcLog) {
        static Before now() throws IOException {
            Path gcLog = WORK.resolve("gc.log");
            return new Before(
                    app.output().length(),
                    Files.exists(gcLog)
                            ? Files.readString(gcLog, StandardCharsets.UTF_8).length()
                            : 0);
        }
    }

    private static void assertNoHeapExhaustion(String load, Map<String, Integer> outcomes, Before before)
            throws IOException {
        List<Long> liveAfterFullCollections = liveAfterFullCollections(before.gcLog());
        System.out.println("HeapUnderLoadIT, " + load + ": " + outcomes + "; live heap after each full collection "
                + liveAfterFullCollections + " MiB; " + heapMeasured());
        assertThat(app.output().substring(before.log()))
                .as("the application's log during the load")
                .doesNotContain("OutOfMemoryError");
        // what a full collection cannot free is what requests in flight hold (and the application itself): it
        // must stay well below the heap, or the next burst fails (a heap that fills up is one request from OOM)
        assertThat(liveAfterFullCollections)
                .as("live heap (MiB) after each full collection during the load, of %d MiB", HEAP_MIB)
                .allMatch(live -> live < HEAP_MIB * 3 / 4);
        assertThat(app.process().isAlive()).isTrue();
        for (String outcome : outcomes.keySet()) {
            assertThat(outcome).as("every answer: %s", outcomes).matches("200|4\\d\\d .*|503 overloaded");
        }
    }

    /**
     * At the documented limits (2 x 256 KiB of ASCII text: the 512 KiB batch limit), the service must serve,
     * shedding what its heap cannot hold with 503 overloaded.
     */
    @Test
    void manifestBatchesAtTheLimit_twentyInParallel_areServedOrShed_neverExhaustTheHeap() throws Exception {
        Before before = Before.now();

        Map<String, Integer> outcomes = load("/seal", manifestBatch("x", 256 * 1024));

        assertNoHeapExhaustion("manifest batches of 2 x 256 KiB", outcomes, before);
        assertThat(outcomes.getOrDefault("200", 0))
                .as("the service still serves under this load: %s", outcomes)
                .isPositive();
    }

    /** The probe's request: 2 x 262,144 CJK characters (1.5 MiB of UTF-8) in a 1.57 MB body. */
    @Test
    void theProbesCjkBatches_twentyInParallel_areRefusedOrShed_neverExhaustTheHeap() throws Exception {
        Before before = Before.now();

        Map<String, Integer> outcomes = load("/seal", manifestBatch("\u4e2d", 262_144));

        assertNoHeapExhaustion("the probe's CJK manifest batches", outcomes, before);
    }

    /**
     * An unseal answer holds the secret's base64 and its text, JSON-escaped: a secret of the largest size
     * (1 MiB) whose bytes are control characters answers about 7.4 million characters from a 1.9 MB request.
     */
    @Test
    void unsealsOfTheLargestSecret_twentyInParallel_areServedOrShed_neverExhaustTheHeap() throws Exception {
        byte[] secret = new byte[1024 * 1024];
        java.util.Arrays.fill(secret, (byte) 1);
        HttpResponse<String> sealed = CLIENT.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/seal"))
                        .timeout(Duration.ofSeconds(120))
                        .header("content-type", "application/json")
                        .header("authorization", "Bearer " + TOKEN)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"plaintext\":\""
                                + java.util.Base64.getEncoder().encodeToString(secret) + "\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(sealed.statusCode()).as(sealed.body()).isEqualTo(200);
        Before before = Before.now();

        Map<String, Integer> outcomes = load(
                "/unseal",
                JSON.writeValueAsBytes(Map.of(
                        "sealed", JSON.readTree(sealed.body()).path("sealed").asText())));

        assertNoHeapExhaustion("unseals of a 1 MiB secret of control characters", outcomes, before);
        assertThat(outcomes.getOrDefault("200", 0))
                .as("the service still serves under this load: %s", outcomes)
                .isPositive();
    }

    /** The heap in use after each full collection that the GC log shows from an offset on, in MiB. */
    private static List<Long> liveAfterFullCollections(int offset) throws IOException {
        Path gcLog = WORK.resolve("gc.log");
        List<Long> live = new ArrayList<>();
        if (Files.exists(gcLog)) {
            String text = Files.readString(gcLog, StandardCharsets.UTF_8);
            Matcher full = Pattern.compile("Pause Full .*? (\\d+)M->(\\d+)M\\(")
                    .matcher(text.substring(Math.min(offset, text.length())));
            while (full.find()) {
                live.add(Long.parseLong(full.group(2)));
            }
        }
        return live;
    }

    /** The largest heap the GC log shows, before and after a collection. */
    private static String heapMeasured() {
        try {
            Path gcLog = WORK.resolve("gc.log");
            if (!Files.exists(gcLog)) {
                return "no GC log";
            }
            Matcher pause = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)")
                    .matcher(Files.readString(gcLog, StandardCharsets.UTF_8));
            long before = 0;
            long after = 0;
            long committed = 0;
            int collections = 0;
            while (pause.find()) {
                collections++;
                before = Math.max(before, Long.parseLong(pause.group(1)));
                after = Math.max(after, Long.parseLong(pause.group(2)));
                committed = Math.max(committed, Long.parseLong(pause.group(3)));
            }
            return collections + " collections; heap at most " + before + " MiB before a collection, " + after
                    + " MiB after one, " + committed + " MiB committed";
        } catch (IOException e) {
            return "GC log unreadable: " + e;
        }
    }
}
