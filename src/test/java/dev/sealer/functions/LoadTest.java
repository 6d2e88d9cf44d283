package dev.sealer.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealer.testsupport.LiveObjects;
import dev.sealer.testsupport.SecretRecorder;
import dev.sealer.testsupport.TestSigner;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * 2,000 seal and unseal requests from 16 concurrent callers (a plain JDK client, so the secrets are
 * registered for the log check by hand), every answer checked: each seal under
 * load still gets its own data key and IV, each unseal (in another order, by other callers) opens
 * exactly the secret its sealed string was made from, no request fails; and afterwards nothing is
 * kept per request (live objects of the application's classes, counted after a full collection, stay
 * far below the number of requests). Not a performance measurement (see BENCHMARKS.md for those).
 */
@QuarkusTest
class LoadTest {

    private static final int CALLERS = 16;
    private static final int SECRETS = 1000; // one seal and one unseal each: 2,000 requests
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URI base;

    private record Sealed(String secret, String sealed) {}

    @Test
    void sixteenCallers_twoThousandRequests_allCorrect_andNothingKeptPerRequest() throws Exception {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
        try {
            List<Future<Sealed>> sealing = new ArrayList<>();
            for (int i = 0; i < SECRETS; i++) {
                String secret = SecretRecorder.remember("load-secret-" + i + "-" + Integer.toHexString(i * 7919));
                sealing.add(callers.submit(() -> new Sealed(
                        secret,
                        call(http, "seal", Map.of("text", secret)).get("sealed").asText())));
            }
            List<Sealed> sealed = new ArrayList<>();
            for (Future<Sealed> future : sealing) {
                sealed.add(future.get(120, TimeUnit.SECONDS));
            }

            Set<Object> dataKeys = new HashSet<>();
            Set<Object> ivs = new HashSet<>();
            for (Sealed one : sealed) {
                Map<String, Object> payload = TestSigner.payloadOf(one.sealed());
                dataKeys.add(payload.get("encrypted_key"));
                ivs.add(payload.get("iv"));
            }
            assertThat(dataKeys).as("a fresh data key per seal").hasSize(SECRETS);
            assertThat(ivs).as("a fresh IV per seal").hasSize(SECRETS);

            Collections.shuffle(sealed, new Random(7));
            List<Future<Boolean>> unsealing = new ArrayList<>();
            for (Sealed one : sealed) {
                unsealing.add(callers.submit(() -> {
                    assertThat(call(http, "unseal", Map.of("sealed", one.sealed()))
                                    .get("text")
                                    .asText())
                            .isEqualTo(one.secret());
                    return true;
                }));
            }
            for (Future<Boolean> future : unsealing) {
                assertThat(future.get(120, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            callers.shutdownNow();
        }

        Map<String, Long> live = LiveObjects.count("dev.sealer.");
        live.keySet().removeIf(type -> type.startsWith(LoadTest.class.getName())); // the test's own records
        assertThat(live)
                .allSatisfy((type, count) -> assertThat(count)
                        .as("live %s after %d requests", type, 2 * SECRETS)
                        .isLessThan(SECRETS / 4));
    }

    private JsonNode call(HttpClient http, String function, Map<String, String> body) throws Exception {
        HttpResponse<byte[]> response = http.send(
                HttpRequest.newBuilder(base.resolve(function))
                        .header("content-type", "application/json")
                        .timeout(Duration.ofSeconds(60))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode())
                .as("%s answered %s", function, new String(response.body()))
                .isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
