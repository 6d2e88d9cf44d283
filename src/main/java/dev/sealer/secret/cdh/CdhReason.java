package dev.sealer.secret.cdh;

import java.util.Locale;

/**
 * The stable reason codes of {@link CdhParity}: each a way a sealed string is read differently by this service and
 * by a stock CDH (confidential-containers/guest-components 8246e5e, {@code confidential-data-hub/hub/src/secret/}
 * and {@code kms/src/plugins/aliyun/}, with jose-jws 0.1.2 and base64 0.23.1), with the direction of the
 * difference and a one-line explanation (the README lists them; {@code CdhReasonReadmeTest} holds the two
 * together). The lower-case {@link #code()} is public contract: it never changes meaning once released.
 */
public enum CdhReason {
    SURROUNDING_WHITESPACE(
            Direction.CDH_REFUSES,
            "white space (a line break, say) around the sealed string: ignored here; the CDH's base64 decoder refuses"
                    + " it, and the kata agent hands env values and file contents over unchanged"),
    LEGACY_UNSIGNED(
            Direction.CDH_REFUSES,
            "the legacy unsigned form: a stock CDH verifies signatures (only SKIP_SEALED_SECRET_VERIFICATION opens it)"),
    PAYLOAD_BYTE_ORDER_MARK(
            Direction.CDH_REFUSES,
            "the payload JSON starts with a byte-order mark: skipped here; serde_json refuses it"),
    PAYLOAD_TRAILING_DATA(
            Direction.CDH_REFUSES,
            "data after the payload's JSON object: ignored here; serde_json refuses trailing characters"),
    HEADER_MEMBER_MALFORMED(
            Direction.CDH_REFUSES,
            "a JWS header member jose-jws types is of the wrong form (typ or cty not a string; nonce, jwk, x5c,"
                    + " x5t or x5t#S256 malformed): ignored here; jose-jws refuses the header"),
    PROVIDER_SETTINGS_MISSING(
            Direction.CDH_REFUSES,
            "no provider_settings object (missing or null): defaults are used here; the CDH refuses (missing field)"),
    CLIENT_TYPE_MISSING(
            Direction.CDH_REFUSES,
            "aliyun provider_settings without client_type (also {}): client_key is assumed here; the CDH refuses"
                    + " (client type not exist)"),
    ANNOTATIONS_MISSING(
            Direction.CDH_REFUSES,
            "no annotations object (missing or null): read as empty here; the CDH refuses (missing field)"),
    TOKEN_PATH_RELATIVE(
            Direction.CDH_REFUSES,
            "an sts_token token_path that is relative: read from the token folder here; the CDH reads it from its"
                    + " own working directory"),
    NO_PREFIX(
            Direction.HERE_REFUSES,
            "a bare JWS without the sealed. prefix: the CDH strips a prefix only when there is one; refused here"),
    REPEATED_PREFIX(Direction.HERE_REFUSES, "sealed.sealed.: the CDH strips every leading sealed.; refused here"),
    HEADER_B64_FALSE(
            Direction.HERE_REFUSES,
            "b64 false in the JWS header: the CDH decodes the payload as base64url all the same; refused here"),
    HEADER_UNKNOWN_CRIT(
            Direction.HERE_REFUSES,
            "crit names a header parameter other than b64: the CDH ignores crit; refused here (RFC 7515)"),
    DUPLICATE_UNKNOWN_MEMBER(
            Direction.HERE_REFUSES,
            "a member the CDH does not read appears twice in the header or payload: serde ignores it; refused here"),
    KID_QUERY(Direction.HERE_REFUSES, "a KBS-URI kid with a query or fragment: the CDH accepts it; refused here"),
    KID_DOT_SEGMENT(
            Direction.HERE_REFUSES,
            "a KBS-URI kid with . or .. segments: the CDH's URL parser resolves them (another resource); refused here"),
    FILE_KID(
            Direction.NOTE,
            "a file kid: a stock guest resolves it only when its image ships the key file under"
                    + " /run/confidential-containers/cdh/sealed-secret; a KBS-URI kid is fetched from KBS");

    /** Which reader refuses what the other opens. */
    public enum Direction {
        /** Opens here, refused by a stock CDH. */
        CDH_REFUSES,
        /** Opens in a stock CDH, refused here. */
        HERE_REFUSES,
        /** Opens in both under a condition of the guest (not a refusal by either reader). */
        NOTE
    }

    private final Direction direction;
    private final String explanation;

    CdhReason(Direction direction, String explanation) {
        this.direction = direction;
        this.explanation = explanation;
    }

    /** The stable code, as the {@code check} answer, the metric tag and the README show it. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public Direction direction() {
        return direction;
    }

    /** One line, as the README lists it. */
    public String explanation() {
        return explanation;
    }
}
