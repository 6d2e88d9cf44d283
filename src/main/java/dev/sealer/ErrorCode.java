package dev.sealer;

import java.util.Locale;

/**
 * The stable error codes of the service. The lower-case form ({@link #code()}) is part of the public
 * contract: it appears as {@code "error"} in every error response and in metrics, and must never
 * change meaning once released.
 */
public enum ErrorCode {
    /** The request is not JSON, or JSON of the wrong shape (missing, extra or mistyped field). */
    INVALID_REQUEST,
    /** A base64 field does not decode with the alphabet and padding the format prescribes. */
    INVALID_BASE64,
    /** An identifier (key id, client key id, instance id, kid, secret name) is not acceptable. */
    INVALID_ID,
    /** The string is not a sealed secret: wrong prefix, wrong number of parts, payload not JSON, ... */
    MALFORMED_SEALED_SECRET,
    UNSUPPORTED_VERSION,
    UNSUPPORTED_TYPE,
    UNSUPPORTED_PROVIDER,
    UNSUPPORTED_WRAP_TYPE,
    UNSUPPORTED_CLIENT_TYPE,
    /** An unsigned (legacy) sealed secret while signature verification is on. */
    SIGNATURE_REQUIRED,
    /** The JWS signature does not verify with the key named by its kid. */
    SIGNATURE_INVALID,
    /** No verification key is installed under the kid of the sealed secret. */
    UNKNOWN_KID,
    /** The data key opened, but the encrypted data does not decrypt with it (tampered or corrupt). */
    DECRYPTION_FAILED,
    /** The secret or the request body exceeds the configured limit. */
    PAYLOAD_TOO_LARGE,
    /** The API token is missing or wrong. */
    UNAUTHORIZED,
    /** No such function or route. */
    NOT_FOUND,
    /** The request is neither JSON nor a CloudEvent. */
    UNSUPPORTED_MEDIA_TYPE,
    /** The credential files for the requested client key or KMS instance do not exist. */
    CREDENTIALS_NOT_FOUND,
    /** The credential files exist but cannot be used (wrong password, corrupt file, bad PEM). */
    CREDENTIALS_INVALID,
    /** The service is not configured for what was asked (e.g. signing key missing). */
    NOT_CONFIGURED,
    /** The KMS answered with an error (its ErrorCode and RequestId are reported alongside). */
    KMS_ERROR,
    /** The KMS answered something that is not a valid answer (not protobuf, wrong key length). */
    KMS_BAD_RESPONSE,
    /** The KMS could not be reached (connection refused, TLS failure, connection dropped). */
    KMS_UNAVAILABLE,
    /** The KMS did not answer within the configured time. */
    KMS_TIMEOUT,
    /** Anything else; the message never carries details. */
    INTERNAL_ERROR;

    /** The wire form, e.g. {@code "signature_invalid"}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
