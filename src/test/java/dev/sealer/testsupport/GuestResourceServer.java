package dev.sealer.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the Confidential Containers guest's resource API ({@code api-server-rest}) as the CDH
 * serves it inside a confidential pod: {@code GET /cdh/resource/<repo>/<type>/<tag>} answers the
 * resource's bytes (here: files under {@link #FOLDER}), 404 for a resource path under
 * {@code default/missing/}, 500 (what the real API answers for every failure) under
 * {@code default/broken/}, no answer at all under {@code default/slow/}, and under {@code default/stalled/}
 * an answer that stops after its first byte ({@code 200}, {@code content-length: 60000}, one byte, then
 * nothing until the server stops). {@code GET /hits/<path>} tells how often a resource was asked for.
 * Loopback only.
 */
public class GuestResourceServer implements QuarkusTestResourceLifecycleManager {

    public static final Path FOLDER = Path.of("target/test-state/guest-resources");
    private static final String PREFIX = "/cdh/resource/";

    private HttpServer server;
    /** A thread per exchange: stalled answers hold theirs until the server stops. */
    private final ExecutorService executor = Executors.newCachedThreadPool();

    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    /** Released when the server stops: until then a "slow" resource is never answered. */
    private final CountDownLatch stopped = new CountDownLatch(1);

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(executor);
        server.createContext("/cdh/resource/", this::resource);
        server.createContext(
                "/hits/",
                exchange -> answer(
                        exchange,
                        200,
                        String.valueOf(hits.getOrDefault(
                                                exchange.getRequestURI()
                                                        .getPath()
                                                        .substring("/hits/".length()),
                                                new AtomicInteger())
                                        .get())
                                .getBytes(StandardCharsets.US_ASCII)));
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        return Map.of(
                "sealed-secret.verification.kbs-resource-url",
                base + "/cdh/resource",
                "guest-resource-server.base",
                base);
    }

    private void resource(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath().substring(PREFIX.length());
        hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        if (path.startsWith("default/missing/")) {
            answer(exchange, 404, "URL NOT FOUND".getBytes(StandardCharsets.US_ASCII));
        } else if (path.startsWith("default/broken/")) {
            answer(exchange, 500, "[CDH] [ERROR]: Get Resource failed".getBytes(StandardCharsets.US_ASCII));
        } else if (path.startsWith("default/stalled/")) {
            exchange.sendResponseHeaders(200, 60_000);
            OutputStream out = exchange.getResponseBody();
            out.write('{');
            out.flush();
            try {
                stopped.await(); // the rest never comes: the caller's deadline must end the exchange
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        } else if (path.startsWith("default/slow/")) {
            try {
                stopped.await(); // a peer that does not answer: the caller's own timeout must end the wait
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answer(exchange, 500, new byte[0]);
        } else {
            Path file = FOLDER.resolve(path).normalize();
            if (!file.startsWith(FOLDER) || !Files.isRegularFile(file)) {
                answer(exchange, 500, "[CDH] [ERROR]: Get Resource failed".getBytes(StandardCharsets.US_ASCII));
            } else {
                answer(exchange, 200, Files.readAllBytes(file));
            }
        }
    }

    private static void answer(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void stop() {
        stopped.countDown();
        if (server != null) {
            server.stop(0);
        }
        executor.shutdown();
    }
}
