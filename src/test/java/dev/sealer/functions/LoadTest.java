package dev.sealer.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * 2,000 mixed seal and unseal requests from 16 concurrent callers: every answer is checked (each
 * unsealed secret equals what was sealed, none lost or duplicated, no error), and the heap settles
 * afterwards. Bounded in time; not a performance measurement (see BENCHMARKS.md for those).
 */
@QuarkusTest
class LoadTest {

    private static final int CALLERS = 16;
    private static final int SECRETS = 1000; // one seal and one unseal each: 2,000 requests
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URI base;

    @Test
    void sixteenCallers_twoThousandRequests_allCorrect_andMemorySettles() throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        // Warm up, then take the baseline.
        roundTrip(http, "load-warm-up");
        long before = settledHeap();

        Map<String, String> opened = new ConcurrentHashMap<>();
        AtomicInteger requests = new AtomicInteger();
        ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < SECRETS; i++) {
                String secret = "load-secret-" + i + "-" + Integer.toHexString(i * 7919);
                futures.add(callers.submit(() -> {
                    String sealed = call(http, "seal", Map.of("text", secret)).get("sealed").asText();
                    requests.incrementAndGet();
                    String text = call(http, "unseal", Map.of("sealed", sealed)).get("text").asText();
                    requests.incrementAndGet();
                    assertThat(opened.putIfAbsent(secret, text)).as("duplicate answer for %s", secret).isNull();
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get(120, TimeUnit.SECONDS);
            }
        } finally {
            callers.shutdownNow();
        }

        assertThat(requests.get()).isEqualTo(2 * SECRETS);
        assertThat(opened).hasSize(SECRETS);
        opened.forEach((secret, text) -> assertThat(text).isEqualTo(secret));

        long after = settledHeap();
        assertThat(after - before).as("heap growth after the load, bytes").isLessThan(64L * 1024 * 1024);
    }

    private void roundTrip(HttpClient http, String secret) throws Exception {
        String sealed = call(http, "seal", Map.of("text", secret)).get("sealed").asText();
        assertThat(call(http, "unseal", Map.of("sealed", sealed)).get("text").asText()).isEqualTo(secret);
    }

    private JsonNode call(HttpClient http, String function, Map<String, String> body) throws Exception {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(base.resolve(function))
                .header("content-type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).as("%s answered %s", function, new String(response.body())).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    /** Used heap after collections have run and the number stopped falling. */
    private static long settledHeap() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            long now = memory.getHeapMemoryUsage().getUsed();
            if (now >= used) {
                break;
            }
            used = now;
        }
        return Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
}
