package dev.sealer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.sealer.testsupport.ApplicationConfig;
import io.smallrye.config.SmallRyeConfig;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The README's tables against the code, so that they cannot drift apart, in both directions: every
 * property the configuration tables (the README's and docs/CLIENT-TYPES.md's) name is accepted by the
 * application's configuration (set on its own, it builds; a property the mappings do not declare is an
 * error, as it is at start), and every default the README states is the default the application has;
 * every property the mappings declare has a row; the error table lists every stable code with its
 * status, and nothing else.
 */
class ReadmeTablesTest {

    private static final Path README = Path.of("README.md");
    /** The RAM client types' settings: the README links there rather than repeating them. */
    private static final Path CLIENT_TYPES = Path.of("docs/CLIENT-TYPES.md");

    private static final Pattern BACKTICKED = Pattern.compile("`([^`]+)`");

    /** A README row: one property and the default the README states for it (null when it states none). */
    record Row(String property, String stated) {}

    private static List<Row> configurationRows() throws IOException {
        List<Row> rows = new ArrayList<>();
        List<String> lines = new ArrayList<>(Files.readAllLines(README, StandardCharsets.UTF_8));
        lines.addAll(Files.readAllLines(CLIENT_TYPES, StandardCharsets.UTF_8));
        for (String line : lines) {
            String[] cells = line.split("\\|", -1);
            if (cells.length < 4 || !cells[1].trim().startsWith("`") || !cells[1].contains(".")) {
                continue;
            }
            List<String> names = backticked(cells[1]);
            if (names.isEmpty()
                    || !(names.get(0).startsWith("aliyun.")
                            || names.get(0).startsWith("sealer.")
                            || names.get(0).startsWith("sealed-secret."))) {
                continue;
            }
            String first = names.get(0);
            String prefix = first.substring(0, first.lastIndexOf('.') + 1);
            List<String> defaults = backticked(cells[2]);
            boolean concrete = !cells[2].contains("(")
                    && !cells[2].contains("see ")
                    && !cells[2].contains("<")
                    && defaults.size() == names.size();
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i);
                String property = i == 0
                                || name.startsWith("aliyun.")
                                || name.startsWith("sealer.")
                                || name.startsWith("sealed-secret.")
                        ? name
                        : prefix + name;
                rows.add(new Row(property.replace("<name>", "demo"), concrete ? defaults.get(i) : null));
            }
        }
        return rows;
    }

    private static List<String> backticked(String cell) {
        List<String> values = new ArrayList<>();
        Matcher matcher = BACKTICKED.matcher(cell);
        while (matcher.find()) {
            values.add(matcher.group(1));
        }
        return values;
    }

    @Test
    void everyDocumentedProperty_isAcceptedByTheApplication_withItsStatedDefault() throws IOException {
        List<Row> rows = configurationRows();
        assertThat(rows)
                .as("the README's configuration tables")
                .hasSizeGreaterThan(40)
                .extracting(Row::property)
                .contains("sealer.warm-up", "aliyun.kms.emulator.directory");
        Map<String, Type> types = declaredProperties();

        SmallRyeConfig defaults = ApplicationConfig.build("prod", Map.of());
        for (Row row : rows) {
            Type type = typeOf(types, row.property());
            assertThat(type)
                    .as("%s is declared by a configuration mapping", row.property())
                    .isNotNull();
            String sample = row.stated() != null ? row.stated() : sampleFor(type);
            assertThatCode(() -> ApplicationConfig.build("prod", Map.of(row.property(), sample)))
                    .as("the application accepts %s=%s", row.property(), sample)
                    .doesNotThrowAnyException();
            if (row.stated() != null) {
                assertThat(defaults.getConfigValue(row.property()).getValue())
                        .as("default of %s", row.property())
                        .isEqualTo(row.stated());
            }
        }
    }

    @Test
    void everyDeclaredProperty_hasAReadmeRow() throws IOException {
        List<String> documented =
                configurationRows().stream().map(Row::property).toList();
        List<String> undocumented = new ArrayList<>();
        for (Map.Entry<String, Type> declared : declaredProperties().entrySet()) {
            String property = declared.getKey();
            boolean isMap = declared.getValue() instanceof ParameterizedType parameterized
                    && parameterized.getRawType() == Map.class;
            boolean inTable = isMap
                    ? documented.stream().anyMatch(row -> row.startsWith(property + "."))
                    : documented.contains(property);
            if (!inTable) {
                undocumented.add(property);
            }
        }
        assertThat(undocumented)
                .as("properties the configuration mappings declare that no README table row names")
                .isEmpty();
    }

    @Test
    void anUndeclaredProperty_underOurPrefixes_isRefused_asAtStart() {
        // what broke -Dsealer.warm-up=false before: a property the mapping did not declare
        for (String property : List.of("sealer.warm-upp", "aliyun.kms.no-such-thing", "sealed-secret.signing.nope")) {
            assertThatCode(() -> ApplicationConfig.build("prod", Map.of(property, "x")))
                    .as(property)
                    .isInstanceOf(RuntimeException.class)
                    .hasMessageContaining("does not map");
        }
    }

    @Test
    void theErrorTable_listsEveryCodeWithItsStatus() throws IOException {
        Map<String, Integer> documented = new HashMap<>();
        for (String line : Files.readAllLines(README, StandardCharsets.UTF_8)) {
            Matcher row = Pattern.compile("^\\| (\\d{3}) \\| (.*)\\|$").matcher(line);
            if (row.matches()) {
                for (String code : backticked(row.group(2))) {
                    if (code.matches("[a-z0-9_]+")) {
                        documented.put(code, Integer.parseInt(row.group(1)));
                    }
                }
            }
        }
        Map<String, Integer> actual =
                Arrays.stream(ErrorCode.values()).collect(Collectors.toMap(ErrorCode::code, ErrorCode::httpStatus));

        assertThat(documented).isEqualTo(actual);
    }

    // ---- the properties the mappings declare, with their types -------------------------------------

    private static Map<String, Type> declaredProperties() {
        Map<String, Type> properties = new LinkedHashMap<>();
        for (Class<?> mapping : ApplicationConfig.MAPPINGS) {
            collect(
                    mapping.getAnnotation(io.smallrye.config.ConfigMapping.class)
                            .prefix(),
                    mapping,
                    properties);
        }
        return properties;
    }

    private static void collect(String prefix, Class<?> group, Map<String, Type> properties) {
        for (Method method : group.getMethods()) {
            if (method.getParameterCount() != 0 || method.isDefault()) {
                continue;
            }
            String property = prefix + "."
                    + method.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
            if (method.getReturnType().isInterface()
                    && method.getReturnType().getName().startsWith("dev.sealer.")) {
                collect(property, method.getReturnType(), properties);
            } else {
                properties.put(property, method.getGenericReturnType());
            }
        }
    }

    /** The type of a property, map properties ({@code secrets.<name>}) included. */
    private static Type typeOf(Map<String, Type> types, String property) {
        if (types.containsKey(property)) {
            return types.get(property);
        }
        String parent = property.substring(0, property.lastIndexOf('.'));
        Type map = types.get(parent);
        if (map instanceof ParameterizedType parameterized && parameterized.getRawType() == Map.class) {
            return parameterized.getActualTypeArguments()[1];
        }
        return null;
    }

    private static String sampleFor(Type type) {
        Type raw = type;
        if (type instanceof ParameterizedType parameterized) {
            raw = parameterized.getRawType() == Optional.class || parameterized.getRawType() == List.class
                    ? parameterized.getActualTypeArguments()[0]
                    : parameterized.getRawType();
        }
        if (raw == int.class || raw == Integer.class) {
            return "7";
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return "true";
        }
        if (raw == java.time.Duration.class) {
            return "3s";
        }
        if (raw == java.net.URI.class) {
            return "http://127.0.0.1:8006/cdh/resource";
        }
        if (raw == Path.class) {
            return "/tmp/x";
        }
        if (raw == io.quarkus.runtime.configuration.MemorySize.class) {
            return "64M";
        }
        if (raw instanceof Class<?> enumType && enumType.isEnum()) {
            return enumType.getEnumConstants()[0]
                    .toString()
                    .toLowerCase(Locale.ROOT)
                    .replace('_', '-');
        }
        return "sample-value";
    }
}
