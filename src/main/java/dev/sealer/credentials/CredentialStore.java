package dev.sealer.credentials;

/**
 * Where the credentials for a (KMS instance, client key) pair come from. Ids are untrusted input:
 * implementations validate them with {@link dev.sealer.SafeIds} before touching the file system.
 */
public interface CredentialStore {

    /**
     * Loads and opens the credentials.
     *
     * @throws CredentialException when they are missing or unusable
     * @throws dev.sealer.SealerException {@code INVALID_ID} for a bad id (no file is read)
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
