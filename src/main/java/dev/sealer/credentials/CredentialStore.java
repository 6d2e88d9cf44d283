package dev.sealer.credentials;

/**
 * Where the credentials for a (KMS instance, client key) pair come from. Ids are untrusted input:
 * implementations validate them with {@link dev.sealer.SafeIds} before touching the file system.
 */
public interface CredentialStore {

    /**
     * Loads and opens the credentials.
     *
     * @throws dev.sealer.CallerFaultException {@code CREDENTIALS_NOT_FOUND} when they are missing,
     *     {@code INVALID_ID} for a bad id (no file is read)
     * @throws dev.sealer.ServiceFaultException {@code CREDENTIALS_INVALID} when they exist but are unusable
     */
    KmsCredentials load(String instanceId, String clientKeyId);

    /**
     * A cheap token that changes when the credentials for this pair change (e.g. file modification
     * times and sizes), so that a cached client can be rebuilt after a rotation. Never reads file
     * contents.
     */
    Object version(String instanceId, String clientKeyId);

    /** Where this store looks, for messages and logs (no secret). */
    String describe();
}
