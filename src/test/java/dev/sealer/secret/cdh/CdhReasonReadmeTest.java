package dev.sealer.secret.cdh;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The README's reason-code table and {@link CdhReason}, both ways: every code, its direction and its line. */
class CdhReasonReadmeTest {

    private static final String TABLE_HEADER = "| reason | who refuses | meaning |";

    /** code -> "direction | explanation", as the README states them. */
    private static Map<String, String> readmeRows() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("README.md"), StandardCharsets.UTF_8);
        int start = lines.indexOf(TABLE_HEADER);
        assertThat(start).as("the README has the reason table").isNotNegative();
        Map<String, String> rows = new LinkedHashMap<>();
        for (String line : lines.subList(start + 2, lines.size())) {
            if (!line.startsWith("| `")) {
                break;
            }
            String[] cells = line.substring(1, line.length() - 1).split(" \\| ", 3);
            rows.put(cells[0].strip().replace("`", ""), cells[1].strip() + " | " + cells[2].strip());
        }
        return rows;
    }

    private static String label(CdhReason.Direction direction) {
        return switch (direction) {
            case CDH_REFUSES -> "CDH refuses";
            case HERE_REFUSES -> "here refuses";
            case NOTE -> "note";
        };
    }

    @Test
    void readmeTable_listsEveryReason_withItsDirectionAndExplanation_andNothingElse() throws IOException {
        Map<String, String> expected = new LinkedHashMap<>();
        Arrays.stream(CdhReason.values())
                .forEach(reason ->
                        expected.put(reason.code(), label(reason.direction()) + " | " + reason.explanation()));

        assertThat(readmeRows()).containsExactlyEntriesOf(expected);
    }
}
