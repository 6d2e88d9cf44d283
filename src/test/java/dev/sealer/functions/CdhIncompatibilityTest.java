package dev.sealer.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.sealer.testsupport.CdhTools;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What unseal opened that a stock CDH refuses: counted every time, by reason; logged at WARN once per reason. */
class CdhIncompatibilityTest {

    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private CdhIncompatibility observer;
    private ECKey key;

    @BeforeEach
    void setUp() throws Exception {
        Logger.getLogger(CdhIncompatibility.class.getName()).addHandler(capture);
        observer = new CdhIncompatibility();
        observer.registry = registry;
        key = new ECKeyGenerator(Curve.P_256).generate();
    }

    @AfterEach
    void tearDown() {
        Logger.getLogger(CdhIncompatibility.class.getName()).removeHandler(capture);
    }

    private double count(String reason) {
        Counter counter =
                registry.find(CdhIncompatibility.METRIC).tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void eachRefusedReason_isCountedEveryTime_andLoggedOnce_withoutTheSecret() {
        String sealed = CdhTools.asJqWroteIt(
                CdhTools.sealed(key, "kbs:///default/sealed-secret/k", CdhTools.vault("db", "KAAP.a", "kst-b")));

        observer.opened(sealed);
        observer.opened(sealed);
        observer.opened(sealed.strip());

        assertThat(count("surrounding_whitespace")).isEqualTo(2);
        List<LogRecord> warnings = records.stream()
                .filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
                .toList();
        assertThat(warnings).hasSize(1);
        String message = String.valueOf(warnings.get(0).getMessage()) + " "
                + List.of(
                        warnings.get(0).getParameters() == null
                                ? new Object[0]
                                : warnings.get(0).getParameters());
        assertThat(message).contains("surrounding_whitespace").doesNotContain(sealed.strip());
    }

    @Test
    void notesAndWhatOnlyTheCdhOpens_areNotCounted() {
        String fileKid = CdhTools.sealed(key, "team/key-1", CdhTools.vault("db", "KAAP.a", "kst-b"));

        observer.opened(fileKid);
        observer.opened("sealed." + fileKid);

        assertThat(registry.find(CdhIncompatibility.METRIC).counters()).isEmpty();
        assertThat(records).isEmpty();
    }
}
