package dev.sealer.functions.http;

import dev.sealer.ErrorCode;
import dev.sealer.FileStamp;
import dev.sealer.ServiceFaultException;
import dev.sealer.functions.Caller;
import dev.sealer.functions.TokenScope;
import dev.sealer.functions.runtime.SealerConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jboss.logging.Logger;

/**
 * Who may call the functions, and what for, from the {@code Authorization: Bearer ...} header: one
 * decision per request that yields both the caller's audit identity and what its credentials allow ({@link
 * Caller}, carrying its {@link TokenScope}):
 *
 * <ul>
 *   <li>the static API token ({@code sealer.api-token}, or a file named by {@code sealer.api-token-file},
 *       re-read when it changes), for direct callers: every entry point, every function. Only a SHA-256
 *       digest of the token is kept; candidates are compared digest to digest in constant time, so
 *       neither content nor length leaks through timing;
 *   <li>a Knative Eventing OIDC token ({@link EventingOidc}, {@code sealer.auth.oidc.*}), for events a
 *       Broker delivers (a Broker cannot forward our static token): the CloudEvents entry point only, and
 *       only the functions its subject is listed for.
 * </ul>
 *
 * <p>Fail closed: an empty or blank token stops the start; no authentication at all stops it too,
 * unless {@code sealer.allow-unauthenticated=true} says that the platform authenticates every request
 * (or that this is a development machine), which is logged at start. A token file that becomes
 * unreadable or empty later lets nobody in with the static token.
 */
@ApplicationScoped
public class Authentication {

    private static final Logger LOG = Logger.getLogger(Authentication.class);

    private record FileToken(String stamp, byte[] digest) {}

    @Inject
    SealerConfig config;

    @Inject
    EventingOidc oidc;

    /** What a value the guest's CDH failed to unseal still starts with. */
    private static final String STILL_SEALED = "sealed.";

    private volatile FileToken fileToken;

    private Caller apiTokenCaller = Caller.NONE;

    void onStart(@Observes @Priority(2) StartupEvent event) {
        checkConfiguration();
    }

    /** Checks the configuration at start; see the class comment. */
    public void checkConfiguration() {
        if (config.apiToken().isPresent() && config.apiTokenFile().isPresent()) {
            throw refused("set sealer.api-token or sealer.api-token-file, not both");
        }
        if (config.apiToken().isPresent() && config.apiToken().get().isBlank()) {
            throw refused("sealer.api-token is empty: an empty token would let anyone in. Set a token, or set "
                    + "sealer.allow-unauthenticated=true to run without authentication");
        }
        if (config.apiToken()
                        .map(token -> token.strip().startsWith(STILL_SEALED))
                        .orElse(false)
                || config.apiTokenFile().map(this::stillSealed).orElse(false)) {
            throw refused(
                    "the API token is still a sealed secret: the guest's CDH did not unseal it (did the attestation "
                            + "succeed, and does KBS hold the resource?)");
        }
        if (config.apiTokenFile().isPresent()
                && fileDigest(config.apiTokenFile().get()).isEmpty()) {
            throw refused("sealer.api-token-file names a file that is missing, unreadable or empty");
        }
        oidc.checkConfiguration();
        apiTokenCaller = Caller.apiToken(tokenLabel(config.apiTokenFile()));
        if (!configured()) {
            if (!config.allowUnauthenticated()) {
                throw refused("no authentication is configured: set sealer.api-token or sealer.api-token-file, or "
                        + "sealer.auth.oidc.enabled=true (Knative Eventing OIDC), or "
                        + "sealer.allow-unauthenticated=true when the platform authenticates every request");
            }
            LOG.warn(
                    "*** sealer.allow-unauthenticated=true: requests are served WITHOUT authentication. Anyone who can "
                            + "reach this port can unseal secrets; the platform in front must authenticate every request. ***");
        }
    }

    /** True when requests must carry the static token. */
    public boolean tokenConfigured() {
        return config.apiToken().isPresent() || config.apiTokenFile().isPresent();
    }

    /** True when requests must carry credentials: the static token, or an Eventing OIDC token. */
    public boolean configured() {
        return tokenConfigured() || oidc.enabled();
    }

    /**
     * @param authorization the request's {@code Authorization} header (may be null)
     * @return completes with who called, with what its credentials allow ({@link Caller}, {@link TokenScope}): the
     *     API token for {@code Bearer <the token>} (everything); the subject of {@code Bearer <a valid Eventing
     *     OIDC token>} (CloudEvents, its subject's functions); {@link Caller#UNAUTHENTICATED} (everything) when
     *     no authentication is configured and unauthenticated requests are allowed; {@link Caller#NONE}
     *     (refused) otherwise. Completes at once, unless the OIDC keys must be fetched first.
     */
    public CompletionStage<Caller> authenticate(String authorization) {
        if (!configured()) {
            return CompletableFuture.completedFuture(
                    config.allowUnauthenticated() ? Caller.UNAUTHENTICATED : Caller.NONE);
        }
        String presented = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).trim()
                : "";
        if (presented.isEmpty()) {
            return CompletableFuture.completedFuture(Caller.NONE);
        }
        if (tokenConfigured() && matchesStaticToken(presented)) {
            return CompletableFuture.completedFuture(apiTokenCaller);
        }
        return oidc.enabled() ? oidc.verify(presented) : CompletableFuture.completedFuture(Caller.NONE);
    }

    /**
     * Which API token is configured, as the audit trail names it: a short hash of the property (and the
     * file's path), never of the token, so that it tells token files apart without helping to guess one.
     */
    static String tokenLabel(Optional<Path> tokenFile) {
        String source = tokenFile
                .map(file -> "sealer.api-token-file=" + file.toAbsolutePath().normalize())
                .orElse("sealer.api-token");
        return java.util.HexFormat.of().formatHex(sha256(source), 0, 6);
    }

    private boolean matchesStaticToken(String presented) {
        Optional<byte[]> expected = expectedDigest();
        return expected.isPresent() && MessageDigest.isEqual(sha256(presented), expected.get());
    }

    private Optional<byte[]> expectedDigest() {
        if (config.apiToken().isPresent()) {
            String token = config.apiToken().get().trim();
            return token.isEmpty() ? Optional.empty() : Optional.of(sha256(token));
        }
        return fileDigest(config.apiTokenFile().get());
    }

    private boolean stillSealed(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip().startsWith(STILL_SEALED);
        } catch (IOException e) {
            return false;
        }
    }

    private Optional<byte[]> fileDigest(Path file) {
        String stamp = FileStamp.of(file);
        FileToken current = fileToken;
        if (current != null && current.stamp.equals(stamp)) {
            return Optional.of(current.digest);
        }
        try {
            String token = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (token.isEmpty() || token.startsWith(STILL_SEALED)) {
                return Optional.empty();
            }
            current = new FileToken(stamp, sha256(token));
            fileToken = current;
            return Optional.of(current.digest);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ServiceFaultException refused(String message) {
        return new ServiceFaultException(ErrorCode.NOT_CONFIGURED, message);
    }
}
