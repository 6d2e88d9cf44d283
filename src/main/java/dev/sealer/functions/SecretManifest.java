package dev.sealer.functions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.sealer.CallerFaultException;
import dev.sealer.ErrorCode;
import dev.sealer.Json;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A Kubernetes Secret ({@code apiVersion: v1}, {@code kind: Secret}, {@code type: Opaque}) whose values
 * are sealed secrets, in {@code stringData} (the pod sees each value as written; the guest's CDH
 * unseals every value that starts with {@code sealed.} when a confidential pod mounts it). Names,
 * namespace, labels and data keys are checked against Kubernetes' rules, so that the manifest applies;
 * its YAML reads back as exactly its JSON.
 */
final class SecretManifest {

    /**
     * A Secret data key as Kubernetes checks it (IsConfigMapKey in k8s.io/apimachinery
     * pkg/util/validation, commit eed236c): letters, digits, '-', '_', '.'; at most 253 characters; not
     * {@code .} or {@code ..}, and not starting with {@code ..} (a mounted Secret's own {@code ..data}).
     */
    private static final Pattern DATA_KEY = Pattern.compile("(?!\\.\\.)(?!\\.$)[-._a-zA-Z0-9]{1,253}");

    /** Labels a manifest may carry (Kubernetes sets no count, only the object's size). */
    static final int MAX_LABELS = 64;

    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern DNS_LABEL = Pattern.compile("(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern LABEL_NAME = Pattern.compile("(?=.{1,63}$)[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");
    private static final Pattern LABEL_VALUE =
            Pattern.compile("(?=.{0,63}$)([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?");

    private static final ObjectMapper JSON = Json.MAPPER;
    /**
     * Every value double-quoted, and every key Jackson sees a YAML reader could take for something else
     * (a leading digit, sign or '.', a boolean or null word): quoted. Plain YAML scalars are typed by the
     * reader, and Kubernetes reads YAML 1.1 (sigs.k8s.io/yaml on go-yaml v2), where {@code 0x1f},
     * {@code 1_000}, {@code 1.5}, {@code y} or {@code off} are numbers or booleans: the YAML must say
     * exactly what the JSON manifest says.
     */
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .disable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .build());

    private SecretManifest() {}

    /** True when {@code key} is a key a Kubernetes Secret accepts in its data. */
    static boolean isDataKey(String key) {
        return DATA_KEY.matcher(key).matches();
    }

    static SealResponse.Manifest of(SealRequest.ManifestMetadata metadata, Map<String, String> sealed) {
        if (metadata == null) {
            throw invalid("field 'metadata': required with output 'kubernetes-secret' (name, namespace)");
        }
        if (metadata.name() == null || !DNS_SUBDOMAIN.matcher(metadata.name()).matches()) {
            throw invalid(
                    "field 'metadata.name': must be a Kubernetes name (lower-case letters, digits, '-', '.'; at most 253)");
        }
        if (metadata.namespace() == null
                || !DNS_LABEL.matcher(metadata.namespace()).matches()) {
            throw invalid(
                    "field 'metadata.namespace': must be a Kubernetes namespace (lower-case letters, digits, '-'; at most 63)");
        }
        ObjectNode secret = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Secret");
        ObjectNode meta =
                secret.putObject("metadata").put("name", metadata.name()).put("namespace", metadata.namespace());
        if (metadata.labels() != null && metadata.labels().size() > MAX_LABELS) {
            throw invalid("field 'metadata.labels': at most " + MAX_LABELS + " labels");
        }
        if (metadata.labels() != null && !metadata.labels().isEmpty()) {
            ObjectNode labels = meta.putObject("labels");
            metadata.labels().forEach((name, value) -> {
                String prefixless = name.contains("/") ? name.substring(name.indexOf('/') + 1) : name;
                String prefix = name.contains("/") ? name.substring(0, name.indexOf('/')) : null;
                if (!LABEL_NAME.matcher(prefixless).matches()
                        || (prefix != null && !DNS_SUBDOMAIN.matcher(prefix).matches())
                        || value == null
                        || !LABEL_VALUE.matcher(value).matches()) {
                    throw invalid("field 'metadata.labels': a label name or value is not valid for Kubernetes");
                }
                labels.put(name, value);
            });
        }
        secret.put("type", "Opaque");
        ObjectNode data = secret.putObject("stringData");
        sealed.forEach(data::put);
        try {
            return new SealResponse.Manifest(secret, YAML.writeValueAsString(secret));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static CallerFaultException invalid(String message) {
        return new CallerFaultException(ErrorCode.INVALID_REQUEST, message);
    }
}
