package dev.sealer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Outbound fetches end by their deadline and read no more than their bound, whatever the peer does. */
class OutboundHttpTest {

    private final CountDownLatch release = new CountDownLatch(1);
    private HttpServer server;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/small", exchange -> {
            exchange.sendResponseHeaders(200, 5);
            exchange.getResponseBody().write("hello".getBytes());
            exchange.close();
        });
        server.createContext("/large", exchange -> {
            exchange.sendResponseHeaders(200, 0); // chunked: no length to refuse it by
            for (int i = 0; i < 64; i++) {
                exchange.getResponseBody().write(new byte[1024]);
            }
            exchange.close();
        });
        server.createContext("/stalled", exchange -> {
            exchange.sendResponseHeaders(200, 1000);
            exchange.getResponseBody().write('x');
            exchange.getResponseBody().flush();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
    }

    private HttpRequest get(String path) {
        return HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path))
                .build();
    }

    @Test
    void answerWithinBound_isRead() throws Exception {
        HttpResponse<byte[]> response = OutboundHttp.send(
                        client, get("/small"), OutboundHttp.atMost(5), Duration.ofSeconds(30))
                .get(60, TimeUnit.SECONDS);
        assertThat(new String(response.body())).isEqualTo("hello");
    }

    @Test
    void answerBeyondBound_failsTooLarge_withoutReadingItAll() {
        Throwable failure = catchThrowable(
                () -> OutboundHttp.send(client, get("/large"), OutboundHttp.atMost(4096), Duration.ofSeconds(30))
                        .get(60, TimeUnit.SECONDS));
        assertThat(OutboundHttp.cause(failure)).isInstanceOf(OutboundHttp.TooLarge.class);
        assertThat(OutboundHttp.passedDeadline(failure)).isFalse();
    }

    @Test
    void peerThatStallsMidBody_isCancelledAtTheDeadline() {
        // the deadline is 200 ms; the 60 s bound of get() only catches a fetch that never ends
        Throwable failure = catchThrowable(
                () -> OutboundHttp.send(client, get("/stalled"), OutboundHttp.atMost(4096), Duration.ofMillis(200))
                        .get(60, TimeUnit.SECONDS));
        assertThat(OutboundHttp.passedDeadline(failure)).as("%s", failure).isTrue();
    }
}
