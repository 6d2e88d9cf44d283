package dev.sealer.functions.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealer.testsupport.ApplicationConfig;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Why traces are switched with {@code quarkus.otel.sdk.disabled} and not {@code quarkus.otel.enabled}: read from
 * the OpenTelemetry extension's own configuration model (the jar on the classpath, Quarkus 3.34.1), the first is
 * read at run time, so a deployed image turns tracing on without a rebuild, while the second is fixed at build
 * time. And what the packaged application ships with: tracing off, Vert.x's HTTP spans off.
 */
class TracingSwitchTest {

    @Test
    void theSwitch_isReadAtRunTime_andQuarkusOtelEnabled_isFixedAtBuild() throws Exception {
        Map<String, String> phases = new HashMap<>();
        var models = getClass().getClassLoader().getResources("META-INF/quarkus-config-doc/quarkus-config-model.json");
        while (models.hasMoreElements()) {
            try (InputStream model = models.nextElement().openStream()) {
                JsonNode roots = new ObjectMapper().readTree(model).get("configRoots");
                if (roots.toString().contains("\"artifactId\":\"quarkus-opentelemetry\"")) {
                    collect(roots, phases);
                }
            }
        }
        assertThat(phases).as("the OpenTelemetry extension's config model").isNotEmpty();
        assertThat(phases)
                .containsEntry("quarkus.otel.sdk.disabled", "RUN_TIME")
                .containsEntry("quarkus.otel.exporter.otlp.traces.endpoint", "RUN_TIME")
                .containsEntry("quarkus.otel.instrument.vertx-http", "RUN_TIME")
                .containsEntry("quarkus.otel.enabled", "BUILD_AND_RUN_TIME_FIXED");
    }

    @Test
    void thePackagedApplication_shipsWithTracingOff_andVertxHttpSpansOff() {
        var config = ApplicationConfig.build("prod", Map.of());
        assertThat(config.getConfigValue("quarkus.otel.sdk.disabled").getValue())
                .isEqualTo("true");
        assertThat(config.getConfigValue("quarkus.otel.instrument.vertx-http").getValue())
                .isEqualTo("false");
        assertThat(config.getConfigValue("sealer.audit.enabled").getValue()).isEqualTo("true");
    }

    private static void collect(JsonNode node, Map<String, String> phases) {
        if (node == null) {
            return;
        }
        if (node.isArray()) {
            node.forEach(child -> collect(child, phases));
            return;
        }
        JsonNode path = node.get("path");
        if (path != null && path.has("property") && node.has("phase")) {
            phases.put(path.get("property").asText(), node.get("phase").asText());
        }
        collect(node.get("items"), phases);
    }
}
