package dev.sealer.functions;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sealer.testsupport.SealerHttp;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.arc.ClientProxy;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Traces, turned on as a deployment would turn them on (the SDK enabled, everything else as shipped), exported
 * to an in-memory exporter: a span per function call continuing the caller's {@code traceparent} (an HTTP
 * header, a binary CloudEvent's header, a structured CloudEvent's extension), a child span per KMS call with
 * its api, outcome and attempts, and on every span only the documented attributes, none of which holds an id,
 * a path, a host or a secret.
 */
@QuarkusTest
@TestProfile(OptInFeaturesProfile.class)
class TracingTest {

    private static final String SECRET = "traced-secret-41be9";
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT_ID = "00f067aa0ba902b7";
    private static final String TRACEPARENT = "00-" + TRACE_ID + "-" + PARENT_ID + "-01";

    /** The exporter the SDK finds among the application's beans (Quarkus's default {@code cdi} exporter). */
    @Singleton
    static class ExporterProducer {
        @Produces
        @Singleton
        InMemorySpanExporter exporter() {
            return InMemorySpanExporter.create();
        }
    }

    @Inject
    InMemorySpanExporter exporter;

    @Inject
    OpenTelemetry openTelemetry;

    @BeforeEach
    void reset() {
        flush();
        exporter.reset();
    }

    @Test
    void httpCalls_continueTheCallersTrace_withAKmsSpanBelowEachFunctionSpan() {
        String sealed = SealerHttp.seal(given().header("traceparent", TRACEPARENT), Map.of("text", SECRET));
        SealerHttp.unseal(given().header("traceparent", TRACEPARENT), sealed)
                .then()
                .statusCode(200);

        List<SpanData> spans = spans();
        SpanData seal = only(spans, "seal");
        SpanData unseal = only(spans, "unseal");
        for (SpanData function : List.of(seal, unseal)) {
            assertThat(function.getKind()).isEqualTo(SpanKind.SERVER);
            assertThat(function.getTraceId()).isEqualTo(TRACE_ID);
            assertThat(function.getParentSpanId()).isEqualTo(PARENT_ID);
            assertThat(function.getAttributes().get(AttributeKey.stringKey("sealer.entry_point")))
                    .isEqualTo("http");
            assertThat(function.getAttributes().get(AttributeKey.stringKey("sealer.outcome")))
                    .isEqualTo("success");
        }
        assertThat(seal.getAttributes().get(AttributeKey.stringKey("sealer.function")))
                .isEqualTo("seal");
        SpanData encrypt = only(spans, "KMS Encrypt");
        SpanData decrypt = only(spans, "KMS Decrypt");
        assertThat(encrypt.getParentSpanId()).isEqualTo(seal.getSpanId());
        assertThat(decrypt.getParentSpanId()).isEqualTo(unseal.getSpanId());
        for (SpanData kms : List.of(encrypt, decrypt)) {
            assertThat(kms.getKind()).isEqualTo(SpanKind.CLIENT);
            assertThat(kms.getTraceId()).isEqualTo(TRACE_ID);
            assertThat(kms.getAttributes().get(AttributeKey.stringKey("sealer.kms.outcome")))
                    .isEqualTo("success");
            assertThat(kms.getAttributes().get(AttributeKey.longKey("sealer.kms.attempts")))
                    .isEqualTo(1L);
            // within its function's span
            SpanData parent = kms == encrypt ? seal : unseal;
            assertThat(kms.getStartEpochNanos()).isGreaterThanOrEqualTo(parent.getStartEpochNanos() - 1_000_000);
            assertThat(kms.getEndEpochNanos()).isLessThanOrEqualTo(parent.getEndEpochNanos());
        }
        assertOnlyDocumentedAttributes(spans);
    }

    @Test
    void cloudEvents_continueTheTraceOfTheirDelivery_orOfTheEventItself() {
        // binary mode, as Knative Eventing's dispatcher sends it: traceparent as an HTTP header
        SealerHttp.event(given().contentType(ContentType.JSON), "dev.sealer.seal", "trace-1", "/tests/tracing")
                .header("traceparent", TRACEPARENT)
                .body(Map.of("text", SECRET))
                .when()
                .post("/")
                .then()
                .statusCode(200);
        SpanData binary = only(spans(), "seal");
        assertThat(binary.getParentSpanId()).isEqualTo(PARENT_ID);
        assertThat(binary.getAttributes().get(AttributeKey.stringKey("sealer.entry_point")))
                .isEqualTo("events");

        // structured mode, no header: the CloudEvent's distributed-tracing extension
        exporter.reset();
        String otherParent = "b7ad6b7169203331";
        given().contentType("application/cloudevents+json")
                .body(Map.of(
                        "specversion",
                        "1.0",
                        "id",
                        "trace-2",
                        "type",
                        "dev.sealer.seal",
                        "source",
                        "/tests/tracing",
                        "traceparent",
                        "00-" + TRACE_ID + "-" + otherParent + "-01",
                        "datacontenttype",
                        "application/json",
                        "data",
                        Map.of("text", SECRET)))
                .when()
                .post("/")
                .then()
                .statusCode(200);
        List<SpanData> spans = spans();
        SpanData structured = only(spans, "seal");
        assertThat(structured.getTraceId()).isEqualTo(TRACE_ID);
        assertThat(structured.getParentSpanId()).isEqualTo(otherParent);
        assertOnlyDocumentedAttributes(spans);
    }

    @Test
    void failures_carryTheirStableCode_andAnErrorStatus_andACallWithoutParentStartsATrace() {
        given().contentType(ContentType.JSON)
                .body(Map.of("text", SECRET, "key_id", "key-unknown-to-kms"))
                .when()
                .post("/seal")
                .then()
                .statusCode(400);

        List<SpanData> spans = spans();
        SpanData seal = only(spans, "seal");
        assertThat(seal.getParentSpanId()).isEqualTo(SpanId.getInvalid());
        assertThat(seal.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(seal.getAttributes().get(AttributeKey.stringKey("sealer.outcome")))
                .isEqualTo("kms_key_not_found");
        SpanData encrypt = only(spans, "KMS Encrypt");
        assertThat(encrypt.getAttributes().get(AttributeKey.stringKey("sealer.kms.outcome")))
                .isEqualTo("kms_key_not_found");
        assertThat(encrypt.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertOnlyDocumentedAttributes(spans);
    }

    /** Every attribute of every span: only the documented keys, with values from their fixed vocabularies. */
    private static void assertOnlyDocumentedAttributes(List<SpanData> spans) {
        Set<String> functions = Set.of("seal", "unseal", "reseal", "check");
        Set<String> apis = Set.of("Encrypt", "Decrypt", "GetSecretValue");
        for (SpanData span : spans) {
            assertThat(span.getName()).matches("seal|unseal|reseal|check|KMS (Encrypt|Decrypt|GetSecretValue)");
            assertThat(span.getEvents()).as("events of %s", span.getName()).isEmpty();
            span.getAttributes().forEach((key, value) -> {
                String text = String.valueOf(value);
                switch (key.getKey()) {
                    case "sealer.function" -> assertThat(functions).contains(text);
                    case "sealer.entry_point" -> assertThat(text).isIn("http", "events", "fc", "loopback");
                    case "sealer.outcome", "sealer.kms.outcome" ->
                        assertThat(text).matches("[a-z_]+");
                    case "sealer.kms.api" -> assertThat(apis).contains(text);
                    case "sealer.kms.attempts" -> assertThat((Long) value).isBetween(0L, 10L);
                    default -> throw new AssertionError("undocumented span attribute " + key.getKey() + " on " + span);
                }
                assertThat(text)
                        .doesNotContain(SECRET)
                        .doesNotContain("kst-")
                        .doesNotContain("KAAP")
                        .doesNotContain("key-")
                        .doesNotContain("sealed.")
                        .doesNotContain("/")
                        .doesNotContain("127.0.0.1");
            });
            assertThat(span.getStatus().getDescription()).matches("[a-z_]*");
        }
    }

    private List<SpanData> spans() {
        flush();
        return List.copyOf(exporter.getFinishedSpanItems());
    }

    private static SpanData only(List<SpanData> spans, String name) {
        List<SpanData> named =
                spans.stream().filter(span -> span.getName().equals(name)).collect(Collectors.toList());
        assertThat(named).as("spans named %s among %s", name, spans).hasSize(1);
        return named.get(0);
    }

    /** Hands every ended span to the exporter now (the batch processor would wait for its schedule). */
    private void flush() {
        OpenTelemetrySdk sdk = (OpenTelemetrySdk) ClientProxy.unwrap(openTelemetry);
        sdk.getSdkTracerProvider().forceFlush().join(30, TimeUnit.SECONDS);
    }
}
