package dev.sealer.credentials.ram;

/**
 * Where one client type gets its RAM credentials (the metadata service, a token file, Function
 * Compute). Called once per KMS call; implementations cache what is expensive.
 */
@FunctionalInterface
public interface RamCredentialSource {

    /**
     * @return credentials that are valid now, as far as the source knows
     * @throws dev.sealer.SealerException {@code CREDENTIALS_NOT_FOUND}, {@code CREDENTIALS_INVALID} or
     *     {@code CREDENTIALS_UNAVAILABLE}; never with a secret in its message or detail
     */
    RamCredentials credentials();
}
