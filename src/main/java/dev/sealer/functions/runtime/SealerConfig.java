package dev.sealer.functions.runtime;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Configuration of the service itself ({@code sealer.*}). Every default is written here, once;
 * profile-specific values are in {@code application.properties}.
 */
@ConfigMapping(prefix = "sealer")
public interface SealerConfig {

    /** The largest secret, in bytes, that seal accepts and unseal returns. */
    @WithDefault("1048576")
    int maxSecretBytes();

    /** The KMS provider a seal request uses when it names none; default: the only one this build has. */
    Optional<String> defaultProvider();

    /**
     * At start, in the background: load the crypto classes, open the default credentials, build their
     * KMS client and open its TLS connection.
     */
    @WithDefault("true")
    boolean warmUp();

    /**
     * The JCA provider put first as the application starts: {@code accp} (Amazon Corretto Crypto Provider, AWS-LC,
     * loaded in the background, the JDK's serving until it is in and wherever it does not load; {@link NativeCrypto})
     * or {@code jdk} (the JDK's own, nothing added). BENCHMARKS.md measures both.
     */
    @WithDefault("accp")
    CryptoProvider cryptoProvider();

    /** See {@link #cryptoProvider()}. */
    enum CryptoProvider {
        JDK,
        ACCP
    }

    /**
     * When set, every entry point requires {@code Authorization: Bearer <token>}. Secret; never
     * logged. An empty or blank value stops the start.
     */
    Optional<String> apiToken();

    /** A file holding the API token (trailing white space ignored); re-read when it changes. */
    Optional<Path> apiTokenFile();

    /**
     * Serve requests that carry no credentials at all. Only for deployments where the platform
     * authenticates every request (e.g. Function Compute with {@code authType: function}), and for
     * development. Logged at start.
     */
    @WithDefault("false")
    boolean allowUnauthenticated();

    Auth auth();

    Events events();

    Limits limits();

    Batch batch();

    DataKeyCache dataKeyCache();

    FunctionCompute functionCompute();

    Tee tee();

    Audit audit();

    /** The audit trail: one JSON line per function call on the log category {@code dev.sealer.audit}. */
    interface Audit {
        /** Off: no line is built or written (as with that category's level at OFF). */
        @WithDefault("true")
        boolean enabled();
    }

    /** Authentication besides the static API token. */
    interface Auth {
        Oidc oidc();
    }

    /**
     * Knative Eventing's OIDC authentication: a Broker or Channel sends {@code Authorization: Bearer
     * <JWT>}, a Kubernetes service-account token whose audience is the Trigger's
     * {@code subscriber.audience}. Accepted when it is signed by a key of the issuer's JWKS, has this
     * issuer and audience, is not expired and names a subject listed for a function; it then allows that
     * subject's functions over CloudEvents only. Works beside the static token (direct HTTP callers send
     * that one).
     */
    interface Oidc {
        @WithDefault("false")
        boolean enabled();

        /** The audience the token must carry: the Trigger's {@code spec.subscriber.audience}. */
        Optional<String> audience();

        /** The issuer the token must carry: the cluster's service-account issuer. */
        Optional<String> issuer();

        /**
         * The subjects whose events may run seal, e.g.
         * {@code system:serviceaccount:<ns>:<trigger>-oidc-eventing.knative.dev-trigger} (a Trigger's
         * {@code status.auth.serviceAccountName}). A subject may run only the functions it is listed for,
         * and only over CloudEvents; at least one of the three lists must be set.
         */
        Optional<List<String>> sealSubjects();

        /** The subjects whose events may run unseal (which is served over events only where enabled). */
        Optional<List<String>> unsealSubjects();

        /** The subjects whose events may run reseal (over events it keeps the secret's KMS key). */
        Optional<List<String>> resealSubjects();

        /** The subjects whose events may run check (it never calls the KMS). */
        Optional<List<String>> checkSubjects();

        /**
         * Replaced by {@link #sealSubjects()}, {@link #unsealSubjects()} and {@link #resealSubjects()}:
         * when set, the start fails and says so (it allowed every function to every listed subject).
         */
        Optional<List<String>> subjects();

        /** The issuer's keys as a JWKS JSON value. One of jwks, jwks-file and jwks-url. */
        Optional<String> jwks();

        /** A file holding the issuer's JWKS (e.g. a mounted ConfigMap); re-read when it changes. */
        Optional<Path> jwksFile();

        /** Where to fetch the issuer's JWKS (e.g. {@code https://kubernetes.default.svc/openid/v1/jwks}). */
        Optional<URI> jwksUrl();

        /** PEM CA certificates that the JWKS URL's server certificate must chain to; unset: the JDK's trust store. */
        Optional<Path> jwksUrlCaFile();

        /** A file holding a bearer token sent with the JWKS request (e.g. the pod's service-account token). */
        Optional<Path> jwksUrlTokenFile();

        /** How long keys fetched from the URL are used before they are fetched again. */
        @WithDefault("15m")
        Duration jwksRefresh();

        /** The shortest time between two fetches (a token with an unknown kid triggers one). */
        @WithDefault("30s")
        Duration jwksMinRefresh();

        /** Timeout of one JWKS fetch. */
        @WithDefault("5s")
        Duration jwksTimeout();

        /** Clock skew tolerated on {@code exp}, {@code nbf} and {@code iat}. */
        @WithDefault("30s")
        Duration clockSkew();
    }

    /** The functions as CloudEvents (Knative Eventing) serve them. */
    interface Events {
        Unseal unseal();

        /**
         * unseal over CloudEvents. Its answer goes back to the Broker, where every Trigger of the
         * namespace can read it and the channel may store it: so it is off unless enabled, and when
         * enabled the answer carries the secret only as a JWE (ECDH-ES+A256KW, A256GCM) to
         * {@link #recipientJwk()}, never in clear. Plain HTTP {@code POST /unseal} is not affected.
         */
        interface Unseal {
            @WithDefault("false")
            boolean enabled();

            /** The recipient's public EC JWK (P-256, P-384 or P-521); its private half stays with the recipient. */
            Optional<String> recipientJwk();

            /** A file holding the recipient's public EC JWK. */
            Optional<Path> recipientJwkFile();
        }
    }

    /** Bounds on what requests may hold. */
    interface Limits {
        /**
         * The heap all requests in flight together may hold: their bodies, what reading them makes of
         * them, and their answers while they are built and written (dev.sealer.functions.InFlightMemory);
         * above it, 503 {@code overloaded}. Default: a quarter of the JVM's maximum heap.
         */
        Optional<MemorySize> inFlightBytes();

        /** Time a request may take to send its body once its headers arrived; then the connection is closed. */
        @WithDefault("10s")
        Duration bodyReadTimeout();
    }

    /** Bounds of a batch seal ({@code secrets}: several secrets in one call). */
    interface Batch {
        /** Most secrets in one call. */
        @WithDefault("64")
        int maxItems();

        /** Most secret bytes in one call, all items together. */
        @WithDefault("512K")
        MemorySize maxTotalBytes();
    }

    /**
     * The opt-in cache of decrypted data keys: repeated unseals of the same sealed secret skip the
     * KMS. Off by default, because it keeps data keys in memory.
     */
    interface DataKeyCache {
        @WithDefault("false")
        boolean enabled();

        @WithDefault("5m")
        Duration maxAge();

        @WithDefault("1000")
        int maxUses();

        @WithDefault("256")
        int maxEntries();
    }

    /** Alibaba Cloud Function Compute's custom-container protocol ({@code /invoke}, {@code /initialize}). */
    interface FunctionCompute {
        /** Serve {@code POST /invoke} and {@code POST /initialize}; on in the {@code fc} profile only. */
        @WithDefault("false")
        boolean enabled();

        /**
         * The one function this deployment serves ({@code seal}, {@code unseal}, {@code reseal} or {@code check}), set per
         * FC function: {@code /invoke} runs it, and every other entry point (plain HTTP paths, CloudEvents)
         * serves it only. Without it, every function is served and the {@code x-fc-function-handler} header
         * says which one an {@code /invoke} runs.
         */
        Optional<String> function();

        /** How long {@code /initialize} waits for the warm-up before answering anyway. */
        @WithDefault("20s")
        Duration initializeTimeout();
    }

    /**
     * The {@code tee} profile's own settings: what keeps plaintext inside the guest (README "Threat model
     * in tee", deploy/knative/TEE.md). Keys named here are KBS resource URIs ({@code kbs:///<repo>/<type>/<tag>}),
     * fetched through the guest's resource API after attestation, never taken from the request or the
     * environment's values themselves. Ignored outside {@code tee}.
     */
    interface Tee {
        Unseal unseal();

        Seal seal();

        /**
         * A second listener on the guest's loopback ({@code 127.0.0.1}, fixed) serving {@code POST /unseal} with
         * the secret in clear, for a workload container of the same pod. The Knative Service does not expose
         * it, so neither queue-proxy nor anything outside the pod sends to it. Unset: no such listener.
         */
        Optional<Integer> loopbackPort();

        /**
         * The KBS resource holding the bearer token the loopback listener requires (secret). It comes from KBS
         * through the guest's resource API, which only the pod's own containers reach, never from a Kubernetes
         * Secret the host could replace with a token it knows; the service port's API token is not accepted
         * there. Required with {@link #loopbackPort()}.
         */
        Optional<String> loopbackToken();

        /**
         * Accept Knative Eventing OIDC tokens in {@code tee} ({@code sealer.auth.oidc.*}). Their trust root is
         * the cluster's API server, which is outside the TEE: whoever controls it can mint a token. Honoured
         * only as a system property (the container's command line, which the agent policy pins), never from
         * the environment.
         */
        @WithDefault("false")
        boolean acceptClusterOidc();

        /** Where unseal answers go in {@code tee}. */
        interface Unseal {
            /**
             * The KBS resource holding the recipient's public EC JWK: every unseal answer (HTTP, CloudEvents,
             * Function Compute) is a JWE (ECDH-ES+A256KW, A256GCM) to it. Required in {@code tee}: without it
             * answers would be plaintext, and the start is refused.
             */
            Optional<String> recipient();
        }

        /** {@code seal} in {@code tee}: a user-side operation, off unless enabled. */
        interface Seal {
            /** Serve {@code seal} in {@code tee}. Honoured only as a system property (like accept-cluster-oidc). */
            @WithDefault("false")
            boolean enabled();

            /**
             * The KBS resource holding the private EC JWK that seal input is encrypted to ({@code {"jwe": ...}},
             * ECDH-ES+A256KW, A256GCM). KBS releases it only to the attested guest; its public half is the
             * user's to publish.
             */
            Optional<String> inputKey();
        }
    }
}
