package dev.sealer.kms.aliyun.common;

import dev.sealer.CallerFaultException;
import dev.sealer.ErrorCode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The rules for a vault sealed secret of the {@code aliyun} provider: a KMS secret name (or its ARN,
 * {@code acs:kms:<region>:<account>:secret/<name>}) and the optional annotations
 * {@code version_stage} and {@code version_id} ({@code ""} or absent = the current version). The same
 * rules apply when sealing and when unsealing, so that nothing is signed that cannot be opened.
 * Other annotation members are ignored when reading (the CDH ignores them) and refused when sealing.
 */
public final class AliyunVault {

    public static final String ANNOTATION_VERSION_STAGE = "version_stage";
    public static final String ANNOTATION_VERSION_ID = "version_id";

    /** Alibaba secret names: letters, digits and {@code _/+=.@-}, at most 192 characters; or the ARN of one. */
    private static final Pattern SECRET_NAME = Pattern.compile(
            "[A-Za-z0-9_/+=.@-]{1,192}|acs:kms:[a-z0-9-]{1,64}:[0-9]{1,32}:secret/[A-Za-z0-9_/+=.@-]{1,192}");

    private static final Pattern VERSION_SELECTOR = Pattern.compile("[A-Za-z0-9_.-]{0,128}");

    /** A validated reference. */
    public record Reference(String name, String versionStage, String versionId) {}

    private AliyunVault() {}

    /** Reads a reference from a sealed secret; unknown annotation members are ignored. */
    public static Reference reference(String name, Map<String, String> annotations) {
        if (name == null || !SECRET_NAME.matcher(name).matches()) {
            throw new CallerFaultException(
                    ErrorCode.INVALID_ID,
                    "field 'name': must be 1-192 characters of letters, digits and _/+=.@- (or the secret's ARN)");
        }
        return new Reference(
                name, selector(annotations, ANNOTATION_VERSION_STAGE), selector(annotations, ANNOTATION_VERSION_ID));
    }

    /** Checks a seal request's reference strictly and returns the annotations to write. */
    public static Map<String, String> canonicalAnnotations(String name, Map<String, String> annotations) {
        for (String member : annotations.keySet()) {
            if (!member.equals(ANNOTATION_VERSION_STAGE) && !member.equals(ANNOTATION_VERSION_ID)) {
                throw new CallerFaultException(
                        ErrorCode.INVALID_REQUEST,
                        "field 'annotations': unknown member; allowed: version_id, version_stage");
            }
        }
        reference(name, annotations);
        return new LinkedHashMap<>(annotations);
    }

    private static String selector(Map<String, String> annotations, String member) {
        String value = annotations.getOrDefault(member, "");
        if (value == null || !VERSION_SELECTOR.matcher(value).matches()) {
            throw new CallerFaultException(
                    ErrorCode.INVALID_ID,
                    "field 'annotations." + member
                            + "': must be at most 128 characters of letters, digits, '.', '_' or '-'");
        }
        return value;
    }
}
