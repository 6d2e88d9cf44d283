package dev.sealer.functions;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.sealer.secret.SecretLimits;
import dev.sealer.testsupport.ApiTokenProfile;
import dev.sealer.testsupport.AuditLines;
import dev.sealer.testsupport.SealerHttp;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What an outsider can make the service hold: nothing. Requests without the token are refused on
 * their headers (401) and their connections closed before any of the body is read; authenticated
 * bodies share a bounded budget (503 {@code overloaded} beyond it) and must arrive in time. Loopback
 * only; bounded connections and time.
 */
@QuarkusTest
@TestProfile(ApiTokenProfile.class)
class RequestLimitsTest {

    static final String TOKEN = ApiTokenProfile.TOKEN;
    private static final int ATTACKERS = 60;
    private static final int DECLARED = 2_900_000;
    /** Far above any answer time here: only a service that stopped answering takes this long. */
    private static final int HANG_MILLIS = 30_000;

    @TestHTTPResource("/")
    URL root;

    @Inject
    InFlightMemory memory;

    private Socket connect() throws IOException {
        Socket socket = new Socket(root.getHost(), root.getPort());
        socket.setSoTimeout(HANG_MILLIS);
        return socket;
    }

    private static void sendHeaders(Socket socket, String path, int contentLength, String authorization)
            throws IOException {
        String headers = "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + contentLength + "\r\n"
                + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                + "\r\n";
        socket.getOutputStream().write(headers.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    /** The status line and headers of the answer. */
    private static String readHead(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            head.append((char) c);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        return head.toString();
    }

    /** True when the server closed the connection (or reset it); false when it kept it open past the hang bound. */
    private static boolean closedByServer(Socket socket) {
        try {
            InputStream in = socket.getInputStream();
            byte[] drain = new byte[8192];
            while (in.read(drain) != -1) {
                // the rest of the answer
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    private static void healthAnswersAndSealWorks() {
        given().when().get("/q/health/live").then().statusCode(200);
        given().contentType(ContentType.JSON)
                .header("Authorization", "Bearer " + TOKEN)
                .body(Map.of("text", "during-the-flood"))
                .when()
                .post("/seal")
                .then()
                .statusCode(200);
    }

    @Test
    void unauthenticatedNearLimitBodies_areRefusedOnTheirHeaders_andHoldNothing() throws Exception {
        List<Socket> attackers = new ArrayList<>();
        try {
            byte[] megabyte = new byte[1024 * 1024];
            java.util.Arrays.fill(megabyte, (byte) 'A');
            for (int i = 0; i < ATTACKERS; i++) {
                Socket socket = connect();
                attackers.add(socket);
                sendHeaders(socket, "/unseal", DECLARED, null);
            }
            for (Socket socket : attackers) {
                String head = readHead(socket);
                assertThat(head).as("refused before the body was sent").startsWith("HTTP/1.1 401");
                assertThat(head.toLowerCase()).contains("connection: close");
            }
            assertThat(memory.held())
                    .as("nothing reserved for unauthenticated bodies")
                    .isZero();
            healthAnswersAndSealWorks();
            for (Socket socket : attackers) {
                try {
                    OutputStream out = socket.getOutputStream();
                    out.write(megabyte);
                    out.flush();
                } catch (IOException e) {
                    // the server closed the connection: the body is never read
                }
                assertThat(closedByServer(socket)).isTrue();
            }
        } finally {
            for (Socket socket : attackers) {
                socket.close();
            }
        }
        healthAnswersAndSealWorks();
        assertThat(memory.held()).isZero();
    }

    @Test
    void authenticatedBodies_shareABoundedBudget_beyondItOverloaded() throws Exception {
        try (Socket first = connect();
                Socket second = connect()) {
            sendHeaders(first, "/unseal", 3_000_000, "Bearer " + TOKEN);
            // the first request holds what its 3 MB body will take (alone, it may pass the 4 MB budget) until its
            // body arrives (or times out)
            long deadline = System.nanoTime() + Duration.ofMillis(HANG_MILLIS).toNanos();
            while (memory.held() == 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(memory.held()).isEqualTo(3_000_000L * InFlightMemory.REQUEST_BYTES_PER_BODY_BYTE);

            sendHeaders(second, "/unseal", 3_000_000, "Bearer " + TOKEN);
            String head = readHead(second);

            assertThat(head).startsWith("HTTP/1.1 503");
            assertThat(head.toLowerCase()).contains("retry-after: 1");
        }
    }

    @Test
    void authenticatedBodyThatStalls_isCutOffAtTheReadTimeout_andReleasesItsShare_loggedBelowError() throws Exception {
        List<java.util.logging.LogRecord> severe = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                if (record.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue()) {
                    severe.add(record);
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        java.util.logging.Logger.getLogger("").addHandler(capture);
        try (Socket stalling = connect()) {
            sendHeaders(stalling, "/unseal", 100_000, "Bearer " + TOKEN);
            stalling.getOutputStream().write("{\"sealed\":\"".getBytes(StandardCharsets.US_ASCII));
            stalling.getOutputStream().flush();

            assertThat(closedByServer(stalling))
                    .as("closed by the server's 1 s body deadline, before our 30 s")
                    .isTrue();
        }
        long deadline = System.nanoTime() + Duration.ofMillis(HANG_MILLIS).toNanos();
        while (memory.held() != 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(memory.held()).isZero();
        SealerHttp.unseal(given().header("Authorization", "Bearer " + TOKEN), "x")
                .then()
                .statusCode(400)
                .body("error", equalTo("malformed_sealed_secret"));
        java.util.logging.Logger.getLogger("").removeHandler(capture);
        assertThat(severe)
                .as("an aborted body is the caller's business: no ERROR line an outsider could flood")
                .isEmpty();
    }

    /**
     * The memory budget and the audit trail, composed: a request refused on its headers (its body's share does
     * not fit) never reached a function and leaves no audit line, like any refusal before the body; one whose
     * body fits but whose answer does not is refused where seal reserves its answer, inside the recorded call,
     * and is audited with outcome {@code overloaded} and its caller. Other requests' shares are held here.
     */
    @Test
    void overloadedWhereTheFunctionRuns_isAudited_overloadedOnTheHeaders_isNot() throws Exception {
        long deadline = System.nanoTime() + Duration.ofMillis(HANG_MILLIS).toNanos();
        while (memory.held() != 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(memory.held()).as("the earlier tests' requests have ended").isZero();
        String text = "overload-audit-".repeat(4000);
        String body = "{\"text\":\"" + text + "\"}";
        long bodyShare = (long) body.length() * InFlightMemory.REQUEST_BYTES_PER_BODY_BYTE;
        long answerShare = SecretLimits.sealedChars(text.length()) * InFlightMemory.ANSWER_BYTES_PER_CHAR;
        InFlightMemory.Reservation others = memory.open();
        try (AuditLines audit = AuditLines.listen()) {
            others.reserve(memory.budget() - bodyShare + 1);
            sealRaw(body).statusCode(503).body("error", equalTo("overloaded"));
            assertThat(audit.records()).as("refused before any function").isEmpty();

            others.release();
            others.reserve(memory.budget() - bodyShare - answerShare / 2);
            sealRaw(body).statusCode(503).body("error", equalTo("overloaded"));
            assertThat(audit.records()).singleElement().satisfies(record -> {
                assertThat(record.get("function").asText()).isEqualTo("seal");
                assertThat(record.get("entry_point").asText()).isEqualTo("http");
                assertThat(record.get("outcome").asText()).isEqualTo("overloaded");
                assertThat(record.get("caller").asText()).isEqualTo("api-token");
            });
            assertThat(audit.lines())
                    .allSatisfy(line ->
                            assertThat(line).doesNotContain("overload-audit-").doesNotContain(TOKEN));
        } finally {
            others.release();
        }
    }

    private static io.restassured.response.ValidatableResponse sealRaw(String body) {
        return given().contentType(ContentType.JSON)
                .header("Authorization", "Bearer " + TOKEN)
                .body(body.getBytes(StandardCharsets.US_ASCII))
                .when()
                .post("/seal")
                .then();
    }
}
