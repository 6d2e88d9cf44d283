package dev.sealer.secret;

/**
 * Where KBS resources named by URI kids are read from: the Confidential Containers guest's resource
 * API inside a confidential pod ({@link GuestResourceApi}), or a local folder mirroring KBS resources
 * for pipelines and tests ({@code <folder>/<repo>/<type>/<tag>}).
 */
public interface KbsResources {

    /**
     * @return the resource's bytes (for a kid: a public JWK)
     * @throws dev.sealer.CallerFaultException {@code UNKNOWN_KID} when the source says there is no such resource
     * @throws dev.sealer.ServiceFaultException {@code VERIFICATION_KEY_UNAVAILABLE} when it cannot be fetched
     */
    byte[] fetch(Kid.ResourceUri uri);
}
