package dev.sealer.secret;

import dev.sealer.CallerFaultException;
import dev.sealer.ErrorCode;

/**
 * How an envelope secret's data is encrypted under its data key ({@code wrap_type}): {@code A256GCM} (12-byte IV,
 * 16-byte tag appended; what this service writes) or {@code A256CTR} (16-byte IV, no tag; read for older CDH
 * tools, whose integrity rests on the signature alone). Public.
 */
public enum WrapType {
    A256GCM(12, 16),
    A256CTR(16, 0);

    private final int ivBytes;
    private final int tagBytes;

    WrapType(int ivBytes, int tagBytes) {
        this.ivBytes = ivBytes;
        this.tagBytes = tagBytes;
    }

    /** @throws CallerFaultException {@code UNSUPPORTED_WRAP_TYPE} for any other name (case-sensitive) */
    public static WrapType of(String name) {
        for (WrapType type : values()) {
            if (type.name().equals(name)) {
                return type;
            }
        }
        throw new CallerFaultException(
                ErrorCode.UNSUPPORTED_WRAP_TYPE, "field 'wrap_type': must be A256GCM or A256CTR");
    }

    public int ivBytes() {
        return ivBytes;
    }

    /** The bytes of authentication tag appended to the data (0: none). */
    public int tagBytes() {
        return tagBytes;
    }
}
