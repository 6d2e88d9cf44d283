package dev.sealer.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Reads the audit trail back as the application writes it: every message logged on {@code dev.sealer.audit}
 * (in the test's JVM, where {@code @QuarkusTest} runs the application) from {@link #listen()} until {@link
 * #close()}.
 */
public final class AuditLines extends Handler implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger CATEGORY = Logger.getLogger("dev.sealer.audit");
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());

    private AuditLines() {}

    public static AuditLines listen() {
        AuditLines lines = new AuditLines();
        CATEGORY.addHandler(lines);
        return lines;
    }

    /** The raw lines so far. */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** The lines so far, each parsed as the JSON object it must be. */
    public List<JsonNode> records() {
        List<JsonNode> records = new ArrayList<>();
        for (String line : lines()) {
            try {
                records.add(JSON.readTree(line));
            } catch (IOException e) {
                throw new UncheckedIOException("an audit line is not JSON", e);
            }
        }
        return records;
    }

    public void clear() {
        lines.clear();
    }

    @Override
    public void publish(LogRecord record) {
        lines.add(record.getMessage());
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
        CATEGORY.removeHandler(this);
    }
}
