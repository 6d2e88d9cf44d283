package dev.sealer;

import java.util.regex.Pattern;

/**
 * Validation of identifiers that arrive from untrusted input (a sealed secret, a request) and end up
 * in file names or KMS requests: client key ids, KMS instance ids, key ids, kids.
 *
 * <p>An acceptable id is 1 to 128 characters of {@code [A-Za-z0-9._-]}, and is neither {@code .} nor
 * contains {@code ..}; so it can never name a path outside its directory. The rejected value is
 * never echoed (it may be huge or contain control characters).
 */
public final class SafeIds {

    public static final int MAX_LENGTH = 128;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_LENGTH + "}");
    /**
     * A KMS key id, an alias {@code alias/<name>} whose name Alibaba allows to hold '/' and up to 255
     * characters, or the ARN of either ({@code acs:kms:<region>:<account>:key/<id>}); key ids never
     * build a path, they only travel to the KMS.
     */
    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_LENGTH
            + "}|alias/[A-Za-z0-9._/-]{1,255}" + "|acs:kms:[a-z0-9-]{1,64}:[0-9]{1,32}:(key/[A-Za-z0-9._-]{1,"
            + MAX_LENGTH + "}|alias/[A-Za-z0-9._/-]{1,255})");

    private static final Pattern DOT_SEGMENT = Pattern.compile("(^|/)\\.{1,2}(/|$)|//|/$");

    private SafeIds() {}

    public static boolean isValid(String id) {
        return id != null && ID.matcher(id).matches() && !id.equals(".") && !id.contains("..");
    }

    public static boolean isValidKeyId(String keyId) {
        return keyId != null
                && KEY_ID.matcher(keyId).matches()
                && !keyId.contains("..")
                && !DOT_SEGMENT
                        .matcher(keyId.substring(keyId.lastIndexOf(':') + 1))
                        .find();
    }

    /** Like {@link #require}, for KMS key ids, which may also be aliases {@code alias/<name>}. */
    public static String requireKeyId(String field, String keyId) {
        if (!isValidKeyId(keyId)) {
            throw new CallerFaultException(
                    ErrorCode.INVALID_ID,
                    "field '" + field + "': "
                            + (keyId == null || keyId.isEmpty()
                                    ? "missing"
                                    : "must be a key id, 'alias/<name>' or an ARN, of letters, digits, '.', '_' or '-'"));
        }
        return keyId;
    }

    /**
     * @param field the name of the field the id came from, for the error message
     * @return {@code id}, when valid
     * @throws SealerException {@link ErrorCode#INVALID_ID} otherwise
     */
    public static String require(String field, String id) {
        if (!isValid(id)) {
            throw new CallerFaultException(
                    ErrorCode.INVALID_ID,
                    "field '" + field + "': "
                            + (id == null || id.isEmpty()
                                    ? "missing"
                                    : "must be 1-" + MAX_LENGTH
                                            + " characters of letters, digits, '.', '_' or '-', without '..'"));
        }
        return id;
    }
}
