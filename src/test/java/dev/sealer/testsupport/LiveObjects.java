package dev.sealer.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts the live objects of this JVM by class, after a full garbage collection: the JDK's own
 * {@code jcmd <pid> GC.class_histogram} (which collects before it counts). Independent of how the code
 * under test keeps its objects, so a test built on it catches any map that grows, wherever it is.
 */
public final class LiveObjects {

    private static final Pattern LINE = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+\\d+\\s+(\\S+)");

    private LiveObjects() {}

    /** Live instances by class name, for the classes whose name starts with {@code prefix}. */
    public static Map<String, Long> count(String prefix) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process process = new ProcessBuilder(
                            jcmd.toString(),
                            String.valueOf(ProcessHandle.current().pid()),
                            "GC.class_histogram")
                    .redirectErrorStream(true)
                    .start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("jcmd GC.class_histogram failed: " + output);
            }
            Map<String, Long> counts = new HashMap<>();
            for (String line : output.split("\n")) {
                Matcher matcher = LINE.matcher(line);
                if (matcher.find() && matcher.group(2).startsWith(prefix)) {
                    counts.merge(matcher.group(2), Long.parseLong(matcher.group(1)), Long::sum);
                }
            }
            return counts;
        } catch (IOException e) {
            throw new IllegalStateException("jcmd cannot run", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
