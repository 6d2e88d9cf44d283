package dev.sealer;

import java.util.Locale;

/**
 * The stable error codes of the service, each with its HTTP status. The lower-case form
 * ({@link #code()}) is part of the public contract: it appears as {@code "error"} in every error
 * response and in metrics, and must never change meaning once released.
 *
 * <p>Codes with a 4xx status are the caller's fault (the request, or the sealed secret it carries,
 * is wrong); codes with a 5xx status are the service's (configuration, credentials, the KMS).
 * {@link CallerFaultException} and {@link ServiceFaultException} enforce the split.
 */
public enum ErrorCode {
    /** The request is not JSON, or JSON of the wrong shape (missing, extra or mistyped field). */
    INVALID_REQUEST(400),
    /** A base64 field does not decode with the alphabet and padding the format prescribes. */
    INVALID_BASE64(400),
    /** An identifier (key id, client key id, instance id, kid, secret name) is not acceptable. */
    INVALID_ID(400),
    /** The string is not a sealed secret: wrong prefix, wrong number of parts, payload not JSON, ... */
    MALFORMED_SEALED_SECRET(400),
    UNSUPPORTED_VERSION(400),
    UNSUPPORTED_TYPE(400),
    /** The sealed secret (or the request) names a KMS provider this service does not implement. */
    UNSUPPORTED_PROVIDER(400),
    UNSUPPORTED_WRAP_TYPE(400),
    UNSUPPORTED_CLIENT_TYPE(400),
    /** An unsigned (legacy) sealed secret while signature verification is on. */
    SIGNATURE_REQUIRED(400),
    /** The JWS signature does not verify with the key named by its kid. */
    SIGNATURE_INVALID(400),
    /** No verification key is installed (or published as a KBS resource) under the kid of the sealed secret. */
    UNKNOWN_KID(400),
    /** The data key opened, but the encrypted data does not decrypt with it (tampered or corrupt). */
    DECRYPTION_FAILED(400),
    /** The KMS does not know the key (id or alias) the request or the sealed secret names. */
    KMS_KEY_NOT_FOUND(400),
    /** The KMS does not know the secret (or that version of it) a vault sealed secret names. */
    KMS_SECRET_NOT_FOUND(400),
    /** The KMS refused a value of the request (e.g. a ciphertext that does not belong to the key). */
    KMS_INVALID_PARAMETER(400),
    /** The KMS does not allow this operation with that key (e.g. an asymmetric key for Encrypt). */
    KMS_UNSUPPORTED_OPERATION(400),
    /** The API token is missing or wrong. */
    UNAUTHORIZED(401),
    /** The client key's policy does not allow this operation with that key. */
    KMS_PERMISSION_DENIED(403),
    /**
     * The caller is authenticated, but this entry point does not serve what it asks (unseal over
     * CloudEvents while {@code sealer.events.unseal.enabled} is off). Not retried by Knative Eventing.
     */
    FORBIDDEN(403),
    /** No such function or route. */
    NOT_FOUND(404),
    /** The secret or the request body exceeds the configured limit. */
    PAYLOAD_TOO_LARGE(413),
    /** The request is neither JSON nor a CloudEvent. */
    UNSUPPORTED_MEDIA_TYPE(415),
    /** There are no credential files for the client key / KMS instance the request names. */
    CREDENTIALS_NOT_FOUND(422),
    /** The credential files exist but cannot be used (wrong password, corrupt file, bad PEM). */
    CREDENTIALS_INVALID(500),
    /** The service is not configured for what was asked (e.g. signing key missing). */
    NOT_CONFIGURED(500),
    /** Anything else; the message never carries details. */
    INTERNAL_ERROR(500),
    /** The KMS refused for a reason that is not the request's (credentials, signature, throttling, ...). */
    KMS_ERROR(502),
    /** The KMS answered something that is not a valid answer (not protobuf, wrong key length). */
    KMS_BAD_RESPONSE(502),
    /** The service is at its limit of requests in flight; retry later. */
    OVERLOADED(503),
    /** The KMS could not be reached (connection refused, TLS failure, connection dropped). */
    KMS_UNAVAILABLE(503),
    /** The verification key named by a KBS resource URI could not be fetched. */
    VERIFICATION_KEY_UNAVAILABLE(503),
    /**
     * Short-lived RAM credentials could not be fetched: the instance metadata service is down, too
     * slow, or answered something that holds no credentials.
     */
    CREDENTIALS_UNAVAILABLE(503),
    /**
     * In {@code tee}: a key the service takes from KBS through the guest's resource API (the unseal answer
     * recipient, the seal input key) cannot be fetched or is not a usable key.
     */
    ATTESTED_KEY_UNAVAILABLE(503),
    /** The KMS did not answer within the configured time. */
    KMS_TIMEOUT(504);

    private final int httpStatus;

    ErrorCode(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    /** The wire form, e.g. {@code "signature_invalid"}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The HTTP status every entry point answers with. */
    public int httpStatus() {
        return httpStatus;
    }

    /** True for the caller's mistakes (4xx), false for the service's failures (5xx). */
    public boolean isCallerFault() {
        return httpStatus < 500;
    }
}
