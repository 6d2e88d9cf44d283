package dev.sealer.credentials.ram;

import dev.sealer.CallerFaultException;
import dev.sealer.ErrorCode;
import java.util.regex.Pattern;

/**
 * Alibaba Cloud region ids ({@code cn-hangzhou}, {@code ap-southeast-1}, {@code cn-shanghai-finance-1},
 * ...): lower-case letters and digits in two to five {@code -}-separated parts, at most 64 characters.
 * A region id builds a host name ({@code kms.<region>.aliyuncs.com}), so one from a sealed secret or a
 * file is checked here first; the rejected value is never echoed.
 */
public final class AliyunRegions {

    private static final Pattern REGION = Pattern.compile("[a-z]{2,8}(-[a-z0-9]{1,24}){1,4}");

    private AliyunRegions() {}

    public static boolean isValid(String regionId) {
        return regionId != null
                && regionId.length() <= 64
                && REGION.matcher(regionId).matches();
    }

    /** @throws CallerFaultException {@code INVALID_ID} naming the field, when the region id is not one */
    public static String require(String field, String regionId) {
        if (!isValid(regionId)) {
            throw new CallerFaultException(
                    ErrorCode.INVALID_ID,
                    "field '" + field + "': "
                            + (regionId == null || regionId.isEmpty()
                                    ? "missing"
                                    : "must be an Alibaba Cloud region id such as cn-hangzhou (lower-case letters, digits and '-')"));
        }
        return regionId;
    }
}
