package dev.sealer.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JVM flags a container of {@code src/main/docker/Dockerfile.jvm} starts with, read from the
 * Dockerfile itself: its {@code FROM}, its {@code ENV} values and its {@code ENTRYPOINT}.
 *
 * <p>With an explicit {@code java} entry point (exec form) the flags are its arguments before
 * {@code -jar} or the main class. With the UBI OpenJDK images' {@code run-java.sh} they are what that
 * script assembles (rh-openjdk/redhat-openjdk-containers, branch ubi9, {@code run-java.sh} and
 * {@code java-default-options}): {@code JAVA_OPTS} if set at all (it replaces everything), otherwise
 * the debug options ({@code JAVA_DEBUG}), the proxy options (none: no proxy variables in the image),
 * {@code -XX:MaxRAMPercentage} from {@code JAVA_MAX_MEM_RATIO} (default 80, 0 disables), the collector
 * from {@code GC_CONTAINER_OPTIONS} (default {@code -XX:+UseParallelGC}), the heap free ratios, GC time
 * ratio and adaptive size weight, the metaspace sizes, diagnostics ({@code JAVA_DIAGNOSTICS}),
 * {@code -XX:+ExitOnOutOfMemoryError}, then {@code JAVA_OPTS_APPEND}. Variables the platform may set at
 * run time on top (a manifest's env) are taken as extra ENV values.
 */
public final class ImageJvmFlags {

    public static final Path DOCKERFILE = Path.of("src/main/docker/Dockerfile.jvm");
    public static final String RUN_JAVA = "/opt/jboss/container/java/run/run-java.sh";

    private final String baseImage;
    private final Map<String, String> env;
    private final List<String> entrypoint;

    private ImageJvmFlags(String baseImage, Map<String, String> env, List<String> entrypoint) {
        this.baseImage = baseImage;
        this.env = env;
        this.entrypoint = entrypoint;
    }

    public static ImageJvmFlags fromDockerfile(Path dockerfile) {
        String text;
        try {
            text = Files.readString(dockerfile, StandardCharsets.UTF_8).replaceAll("\\\\\\r?\\n", " ");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String from = null;
        Map<String, String> env = new LinkedHashMap<>();
        List<String> entrypoint = List.of();
        for (String line : text.split("\\r?\\n")) {
            String trimmed = line.trim();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            String[] instruction = trimmed.split("\\s+", 2);
            String keyword = instruction[0].toUpperCase(java.util.Locale.ROOT);
            String rest = instruction.length > 1 ? instruction[1].trim() : "";
            switch (keyword) {
                case "FROM" -> {
                    from = Arrays.stream(rest.split("\\s+"))
                            .filter(w -> !w.startsWith("--"))
                            .findFirst()
                            .orElse(rest);
                    env.clear(); // a new stage
                }
                case "ENV" -> env.putAll(parseEnv(rest));
                case "ENTRYPOINT" -> entrypoint = parseExecForm(rest);
                default -> {}
            }
        }
        if (from == null) {
            throw new IllegalArgumentException(dockerfile + " has no FROM");
        }
        return new ImageJvmFlags(from, env, entrypoint);
    }

    /** The same image with another environment (e.g. to try a variant of the Dockerfile's ENV). */
    public ImageJvmFlags withEnv(Map<String, String> replaced) {
        return new ImageJvmFlags(baseImage, new LinkedHashMap<>(replaced), entrypoint);
    }

    public String baseImage() {
        return baseImage;
    }

    public Map<String, String> env() {
        return Map.copyOf(env);
    }

    public List<String> entrypoint() {
        return entrypoint;
    }

    /**
     * The Java major version of the base image, from its name ({@code openjdk-17-runtime}, {@code jdk-25},
     * {@code eclipse-temurin:25.0.3_9-jdk-...}).
     */
    public Optional<Integer> javaMajor() {
        Matcher matcher = Pattern.compile("(?:openjdk|jdk|jre|java)-?(\\d+)|temurin:(\\d+)")
                .matcher(baseImage);
        return matcher.find()
                ? Optional.of(Integer.parseInt(matcher.group(1) != null ? matcher.group(1) : matcher.group(2)))
                : Optional.empty();
    }

    /**
     * The exact Temurin build of the base image ({@code eclipse-temurin:25.0.3_9-...} is {@code 25.0.3+9}), if it is
     * a Temurin image pinned to a build: an AOT cache only maps on the JVM build that made it.
     */
    public Optional<String> temurinBuild() {
        Matcher matcher =
                Pattern.compile("eclipse-temurin:(\\d+(?:\\.\\d+)*)_(\\d+)-").matcher(baseImage);
        return matcher.find() ? Optional.of(matcher.group(1) + "+" + matcher.group(2)) : Optional.empty();
    }

    /** The effective flags with the image's environment. */
    public List<String> effectiveFlags() {
        return effectiveFlags(Map.of());
    }

    /** The effective flags with the image's environment plus {@code runtimeEnv} (a manifest's env) on top. */
    public List<String> effectiveFlags(Map<String, String> runtimeEnv) {
        Map<String, String> all = new LinkedHashMap<>(env);
        all.putAll(runtimeEnv);
        if (!entrypoint.isEmpty() && entrypoint.get(0).equals(RUN_JAVA)) {
            return runJava(all);
        }
        if (!entrypoint.isEmpty()
                && (entrypoint.get(0).equals("java") || entrypoint.get(0).endsWith("/java"))) {
            List<String> flags = new ArrayList<>();
            for (String argument : entrypoint.subList(1, entrypoint.size())) {
                if (argument.equals("-jar")
                        || argument.equals("-cp")
                        || argument.equals("-classpath")
                        || !argument.startsWith("-")) {
                    break;
                }
                flags.add(argument);
            }
            // the JVM also reads these variables itself
            for (String variable : List.of("JDK_JAVA_OPTIONS", "JAVA_TOOL_OPTIONS")) {
                if (all.containsKey(variable)) {
                    flags.addAll(0, words(all.get(variable)));
                }
            }
            return flags;
        }
        throw new IllegalArgumentException("unknown entry point " + entrypoint + ": expected " + RUN_JAVA + " or java");
    }

    private static List<String> runJava(Map<String, String> env) {
        if (env.containsKey("JAVA_OPTS")) {
            return words(env.get("JAVA_OPTS"));
        }
        List<String> flags = new ArrayList<>();
        if (!env.getOrDefault("JAVA_DEBUG", "").isEmpty()) {
            flags.add("-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address="
                    + env.getOrDefault("JAVA_DEBUG_PORT", "5005"));
        }
        String ratio = env.getOrDefault("JAVA_MAX_MEM_RATIO", "");
        if (ratio.isEmpty()) {
            flags.add("-XX:MaxRAMPercentage=80.0");
        } else if (!ratio.equals("0")) {
            flags.add("-XX:MaxRAMPercentage=" + Math.round(Double.parseDouble(ratio)) + ".0");
        }
        flags.addAll(words(env.getOrDefault("GC_CONTAINER_OPTIONS", "-XX:+UseParallelGC")));
        flags.add("-XX:MinHeapFreeRatio=" + env.getOrDefault("GC_MIN_HEAP_FREE_RATIO", "10"));
        flags.add("-XX:MaxHeapFreeRatio=" + env.getOrDefault("GC_MAX_HEAP_FREE_RATIO", "20"));
        flags.add("-XX:GCTimeRatio=" + env.getOrDefault("GC_TIME_RATIO", "4"));
        flags.add("-XX:AdaptiveSizePolicyWeight=" + env.getOrDefault("GC_ADAPTIVE_SIZE_POLICY_WEIGHT", "90"));
        String maxMetaspace = env.getOrDefault("GC_MAX_METASPACE_SIZE", "");
        if (!maxMetaspace.isEmpty()) {
            flags.add("-XX:MaxMetaspaceSize=" + maxMetaspace + "m");
        }
        String metaspace = env.getOrDefault("GC_METASPACE_SIZE", "");
        if (!metaspace.isEmpty()) {
            int size = Integer.parseInt(metaspace);
            if (!maxMetaspace.isEmpty()) {
                size = Math.min(size, Integer.parseInt(maxMetaspace));
            }
            flags.add("-XX:MetaspaceSize=" + size + "m");
        }
        if (!env.getOrDefault("JAVA_DIAGNOSTICS", "").isEmpty()) {
            flags.addAll(List.of("-Xlog:gc::utctime", "-XX:NativeMemoryTracking=summary"));
        }
        flags.add("-XX:+ExitOnOutOfMemoryError");
        flags.addAll(words(env.getOrDefault("JAVA_OPTS_APPEND", "")));
        return flags;
    }

    private static List<String> words(String value) {
        String trimmed = value.trim();
        return trimmed.isEmpty() ? List.of() : List.of(trimmed.split("\\s+"));
    }

    /** {@code ENV K=V K2="V 2"} or the legacy {@code ENV K V}. */
    static Map<String, String> parseEnv(String rest) {
        Map<String, String> values = new LinkedHashMap<>();
        if (!rest.contains("=") || rest.indexOf(' ') >= 0 && rest.indexOf(' ') < rest.indexOf('=')) {
            String[] legacy = rest.split("\\s+", 2);
            values.put(legacy[0], legacy.length > 1 ? unquote(legacy[1].trim()) : "");
            return values;
        }
        Matcher matcher = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"(?:[^\"\\\\]|\\\\.)*\"|'[^']*'|\\S*)")
                .matcher(rest);
        while (matcher.find()) {
            values.put(matcher.group(1), unquote(matcher.group(2)));
        }
        return values;
    }

    private static String unquote(String value) {
        if (value.length() >= 2
                && (value.startsWith("\"") && value.endsWith("\"") || value.startsWith("'") && value.endsWith("'"))) {
            return value.substring(1, value.length() - 1).replace("\\\"", "\"");
        }
        return value;
    }

    private static List<String> parseExecForm(String rest) {
        if (!rest.startsWith("[")) {
            return List.of("/bin/sh", "-c", rest);
        }
        List<String> parts = new ArrayList<>();
        Matcher matcher = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(rest);
        while (matcher.find()) {
            parts.add(matcher.group(1));
        }
        return parts;
    }

    /**
     * A {@code java} launcher of the given major version: this JVM's when it matches, else one found
     * under {@code JAVA_HOME_<major>} / {@code JAVA_HOME_<major>_X64} or {@code /usr/lib/jvm}.
     */
    public static Optional<Path> javaOfMajor(int major) {
        if (Runtime.version().feature() == major) {
            return Optional.of(Path.of(System.getProperty("java.home"), "bin", "java"));
        }
        for (String variable : List.of("JAVA_HOME_" + major, "JAVA_HOME_" + major + "_X64")) {
            String home = System.getenv(variable);
            if (home != null && Files.isExecutable(Path.of(home, "bin", "java"))) {
                return Optional.of(Path.of(home, "bin", "java"));
            }
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) {
            try (var list = Files.list(jvms)) {
                return list.filter(p -> p.getFileName()
                                .toString()
                                .matches(".*(?:java|jdk|openjdk|temurin)-" + major + "(?:[^0-9].*)?"))
                        .map(p -> p.resolve("bin/java"))
                        .filter(Files::isExecutable)
                        .sorted()
                        .findFirst();
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }
}
