package dev.sealer.secret;

import dev.sealer.CallerFaultException;
import dev.sealer.ErrorCode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The kid of a sealed secret's JWS header, in the two forms the CDH resolves (docs/FORMAT.md,
 * "Verification keys"):
 *
 * <ul>
 *   <li>a KBS resource URI, {@code kbs:///<repo>/<type>/<tag>}, {@code kbs://<host>/...} (the host is
 *       ignored, as the CDH ignores it) or {@code kbs+<plugin>://...}: the key is the resource's bytes;
 *   <li>anything else: a path relative to the verification-key folder, sub-folders allowed
 *       ({@code team/key-1}); the folder decides whether it stays inside.
 * </ul>
 *
 * Kids come from sealed secrets, i.e. untrusted input: a resource path is accepted only as 1 to 8
 * segments of {@code [A-Za-z0-9._-]} without dot segments, so it can be joined onto a folder or a URL
 * safely; a file kid only as printable ASCII without a leading {@code /} or back-slashes.
 */
public sealed interface Kid {

    int MAX_LENGTH = 512;

    /** The kid as written in the header. */
    String value();

    /** A KBS resource URI kid. {@code plugin} is {@code resource} for {@code kbs://}. */
    record ResourceUri(String value, String plugin, List<String> path) implements Kid {

        /** {@code <repo>/<type>/<tag>}, the resource path. */
        public String resourcePath() {
            return String.join("/", path);
        }
    }

    /** A kid read as a file path under the verification-key folder. */
    record FilePath(String value) implements Kid {}

    Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    Pattern PLUGIN = Pattern.compile("[a-z0-9_-]{1,64}");
    Pattern FILE_KID = Pattern.compile("[\\x21-\\x7e&&[^\\\\]]{1," + MAX_LENGTH + "}");

    /**
     * @throws CallerFaultException {@code INVALID_ID} for a kid in neither acceptable form
     */
    static Kid parse(String kid) {
        if (kid == null || kid.isEmpty() || kid.length() > MAX_LENGTH) {
            throw invalid("must be 1-" + MAX_LENGTH + " characters");
        }
        String lower = kid.toLowerCase(Locale.ROOT);
        if (lower.startsWith("kbs://") || lower.startsWith("kbs+")) {
            return parseResourceUri(kid, lower);
        }
        if (!FILE_KID.matcher(kid).matches() || kid.startsWith("/")) {
            throw invalid(
                    "must be a KBS resource URI (kbs:///<repo>/<type>/<tag>) or a relative path of printable characters");
        }
        return new FilePath(kid);
    }

    private static Kid parseResourceUri(String kid, String lower) {
        int schemeEnd = lower.indexOf("://");
        if (schemeEnd < 0) {
            throw invalid("a KBS resource URI must be kbs:///<repo>/<type>/<tag>");
        }
        String scheme = lower.substring(0, schemeEnd);
        String plugin = scheme.equals("kbs") ? "resource" : scheme.substring("kbs+".length());
        if (!plugin.equals("resource")
                && !(scheme.startsWith("kbs+") && PLUGIN.matcher(plugin).matches())) {
            throw invalid("the scheme must be kbs or kbs+<plugin>");
        }
        URI uri;
        try {
            uri = new URI(kid);
        } catch (URISyntaxException e) {
            throw invalid("not a valid KBS resource URI");
        }
        String path = uri.getRawPath();
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || path == null || path.length() < 2) {
            throw invalid("a KBS resource URI needs a path (kbs:///<repo>/<type>/<tag>) and no query or fragment");
        }
        List<String> segments = List.of(path.substring(1).split("/", -1));
        if (segments.size() > 8
                || segments.stream().anyMatch(s -> !SEGMENT.matcher(s).matches() || s.equals(".") || s.equals(".."))) {
            throw invalid("a KBS resource path must be 1 to 8 segments of letters, digits, '.', '_' or '-'");
        }
        return new ResourceUri(kid, plugin, segments);
    }

    private static CallerFaultException invalid(String why) {
        return new CallerFaultException(ErrorCode.INVALID_ID, "kid: " + why);
    }
}
