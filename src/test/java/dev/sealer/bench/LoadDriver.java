package dev.sealer.bench;

import com.aliyun.dkms.gcs.sdk.Client;
import com.aliyun.dkms.gcs.sdk.models.DecryptRequest;
import com.aliyun.dkms.gcs.sdk.models.EncryptRequest;
import com.aliyun.dkms.gcs.sdk.models.EncryptResponse;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealer.testsupport.OfficialSdk;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.ConnectionPool;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * One side of the side-by-side benchmark, in a process of its own started by {@link Benchmark} with
 * the same JDK and JVM flags as the measured application, so that both sides run alike:
 *
 * <ul>
 *   <li>{@code sdk <endpoint> <credential-dir> <instance> <client-key> <key>}: Alibaba's official SDK
 *       calling the KMS directly ({@code Decrypt} of one data key, {@code Encrypt} of 32 bytes), the floor;
 *   <li>{@code function <base-uri> <token> <sealed>}: the sealer's functions called over HTTP with OkHttp,
 *       the client the SDK itself uses ({@code unseal} of one sealed secret, {@code seal} of a short text);
 *   <li>{@code handwritten <base-uri>}: the hand-written comparator ({@code bench/sdk-funqy}: the SDK in a
 *       Funqy function) called the same way ({@code decrypt} of one data key that its own {@code encrypt}
 *       made at start, {@code encrypt} of 32 bytes, as the SDK side).
 * </ul>
 *
 * Commands on stdin, one answer line each on stdout: {@code warmup <open|close> <calls>},
 * {@code latency <open|close> <calls>} (answers {@code p50 p99} in ms), {@code throughput <open|close>
 * <callers> <seconds>} (answers operations per second, counted after a 1 s ramp, and all operations done), {@code quit}.
 * "open" is unseal / Decrypt, "close" is seal / Encrypt.
 */
public final class LoadDriver {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final MediaType JSON_TYPE = MediaType.get("application/json");

    private final Callable<?> open;
    private final Callable<?> close;

    private LoadDriver(Callable<?> open, Callable<?> close) {
        this.open = open;
        this.close = close;
    }

    public static void main(String[] args) throws Exception {
        LoadDriver driver = switch (args[0]) {
            case "sdk" -> sdk(URI.create(args[1]), Path.of(args[2]), args[3], args[4], args[5]);
            case "function" -> function(URI.create(args[1]), args[2], args[3]);
            case "handwritten" -> handwritten(URI.create(args[1]));
            default -> throw new IllegalArgumentException("sdk, function or handwritten, not " + args[0]);
        };
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("ready");
        System.out.flush();
        for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
            String[] command = line.trim().split("\\s+");
            Callable<?> operation = command[1].equals("open") ? driver.open : driver.close;
            String answer = switch (command[0]) {
                case "warmup" -> {
                    for (int i = 0; i < Integer.parseInt(command[2]); i++) {
                        operation.call();
                    }
                    // and a short concurrent burst: the code paths of the throughput runs get compiled too
                    throughput(operation, 8, Duration.ofSeconds(2));
                    yield "done";
                }
                case "latency" -> {
                    double[] p = latencies(operation, Integer.parseInt(command[2]));
                    yield String.format(Locale.ROOT, "%.4f %.4f", p[0], p[1]);
                }
                case "throughput" -> {
                    double[] result = throughput(
                            operation, Integer.parseInt(command[2]), Duration.ofSeconds(Integer.parseInt(command[3])));
                    yield String.format(Locale.ROOT, "%.2f %.0f", result[0], result[1]);
                }
                default -> throw new IllegalArgumentException(line);
            };
            System.out.println(answer);
            System.out.flush();
        }
        System.exit(0);
    }

    private static LoadDriver sdk(URI endpoint, Path credentialDir, String instance, String clientKey, String key)
            throws Exception {
        Client sdk = OfficialSdk.client(endpoint, credentialDir, instance, clientKey);
        EncryptResponse blob = sdk.encrypt(
                new EncryptRequest().setKeyId(key).setPlaintext(new byte[32]).setAlgorithm("AES_GCM"));
        return new LoadDriver(
                () -> sdk.decrypt(new DecryptRequest()
                        .setKeyId(key)
                        .setCiphertextBlob(blob.getCiphertextBlob())
                        .setIv(blob.getIv())
                        .setAlgorithm("AES_GCM")),
                () -> sdk.encrypt(new EncryptRequest()
                        .setKeyId(key)
                        .setPlaintext(new byte[32])
                        .setAlgorithm("AES_GCM")));
    }

    private static OkHttpClient okHttp() {
        return new OkHttpClient.Builder()
                .connectionPool(new ConnectionPool(16, 5, TimeUnit.MINUTES))
                .connectTimeout(Duration.ofSeconds(5))
                .readTimeout(Duration.ofSeconds(30))
                .build();
    }

    private static LoadDriver handwritten(URI base) throws IOException {
        OkHttpClient http = okHttp();
        byte[] encrypt = JSON.writeValueAsBytes(Map.of("plaintext", new byte[32]));
        // the data key that every decrypt opens: made once by the function's own encrypt
        byte[] decrypt = post(http, base.resolve("encrypt"), null, encrypt);
        return new LoadDriver(
                () -> post(http, base.resolve("decrypt"), null, decrypt),
                () -> post(http, base.resolve("encrypt"), null, encrypt));
    }

    private static LoadDriver function(URI base, String token, String sealed) throws IOException {
        OkHttpClient http = okHttp();
        byte[] unseal = JSON.writeValueAsBytes(Map.of("sealed", sealed));
        byte[] seal = JSON.writeValueAsBytes(Map.of("text", "benchmark secret"));
        return new LoadDriver(
                () -> post(http, base.resolve("unseal"), token, unseal),
                () -> post(http, base.resolve("seal"), token, seal));
    }

    private static byte[] post(OkHttpClient http, URI uri, String token, byte[] body) throws IOException {
        Request.Builder request = new Request.Builder().url(uri.toString()).post(RequestBody.create(body, JSON_TYPE));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try (Response response = http.newCall(request.build()).execute()) {
            byte[] bytes = response.body().bytes();
            if (response.code() != 200) {
                throw new IllegalStateException(
                        uri + " answered " + response.code() + ": " + new String(bytes, StandardCharsets.UTF_8));
            }
            return bytes;
        }
    }

    /** p50 and p99 in ms of {@code calls} sequential calls. */
    private static double[] latencies(Callable<?> operation, int calls) throws Exception {
        double[] millis = new double[calls];
        for (int i = 0; i < calls; i++) {
            long start = System.nanoTime();
            operation.call();
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(millis);
        return new double[] {millis[(int) Math.floor(0.50 * (calls - 1))], millis[(int) Math.floor(0.99 * (calls - 1))]
        };
    }

    /** Operations per second of {@code callers} concurrent loops, counted after a 1 s ramp, and all operations done. */
    private static double[] throughput(Callable<?> operation, int callers, Duration time) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong done = new AtomicLong();
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            futures.add(pool.submit(() -> {
                while (running.get()) {
                    operation.call();
                    done.incrementAndGet();
                }
                return null;
            }));
        }
        Thread.sleep(1000);
        long startCount = done.get();
        long start = System.nanoTime();
        Thread.sleep(time.toMillis());
        double rate = (done.get() - startCount) / ((System.nanoTime() - start) / 1e9);
        running.set(false);
        for (Future<?> future : futures) {
            future.get();
        }
        pool.shutdown();
        return new double[] {rate, done.get()};
    }
}
