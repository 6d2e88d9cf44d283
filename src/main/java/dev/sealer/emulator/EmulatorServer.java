package dev.sealer.emulator;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.sealer.credentials.ClientKey;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The emulated KMS instance itself, free of CDI so that tests can start, stop and restart it on a
 * directory. {@link KmsEmulator} runs one inside the application.
 *
 * <p>At start it loads its state (or creates it: root CA, sub-CA, server certificate, client key,
 * AES keys) and writes the credential files a client needs into its directory in the real formats:
 * {@code PrivateKmsCA_<instance>.pem} (root, then sub-CA), {@code clientKey_<id>.json} with a
 * legacy-encrypted PKCS#12 and {@code password_<id>.json}. It serves TLS with the chain server
 * certificate + sub-CA, and asks for no client certificate: like the real service (whose official
 * SDKs present none), it authenticates each request by its signature and refuses an unknown or
 * wrong client key with a protocol answer ({@code Unauthorized}, {@code SignatureNotMatch}).
 *
 * <p><b>A development tool with no security value</b>: its keys live in plain files.
 */
public final class EmulatorServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EmulatorServer.class);
    static final String STATE_FILE = ".kms-emulator-state.json";

    /** Everything the server needs to start. */
    public record Settings(
            Path directory,
            Path stateFile,
            String host,
            int port,
            String instanceId,
            String clientKeyId,
            List<String> keys,
            Map<String, String> secrets,
            Duration maxClockSkew) {

        /** Test defaults: loopback, any port, one key, the given secrets. */
        public static Settings forTests(
                Path directory, String instanceId, String clientKeyId, List<String> keys, Map<String, String> secrets) {
            return new Settings(
                    directory,
                    directory.resolve(STATE_FILE),
                    "127.0.0.1",
                    0,
                    instanceId,
                    clientKeyId,
                    keys,
                    secrets,
                    Duration.ofMinutes(15));
        }
    }

    /**
     * The RAM side: the role its metadata service serves, the region written into
     * {@code ecsRamRole.json}, the lifetime of the role's credentials and of the token file it writes.
     */
    public record RamSettings(String roleName, String regionId, Duration roleCredentialsTtl, Duration tokenFileTtl) {
        public static final RamSettings DEFAULTS =
                new RamSettings("EmulatorEcsRole", "cn-hangzhou", Duration.ofHours(1), Duration.ofHours(12));
    }

    /**
     * The {@code sts_token} file the emulator writes at each start ({@code AK:SK:STS}), in the token folder
     * the service uses by default when the emulator's folder is its credential folder.
     */
    public static final String TOKEN_FILE = EmulatorFiles.TOKEN_FILE;

    private final Settings settings;
    private final EmulatorFaults faults;
    private final Ticker ticker;
    private final Clock clock;
    private final RamSettings ram;
    private final EmulatorRoles roles;
    private Vertx vertx;
    private URI endpoint;
    private URI metadataEndpoint;

    public EmulatorServer(Settings settings, EmulatorFaults faults) {
        this(settings, faults, Ticker.systemTicker());
    }

    /** @param ticker when to rescan the folder for client keys (tests steer it) */
    public EmulatorServer(Settings settings, EmulatorFaults faults, Ticker ticker) {
        this(settings, faults, ticker, Clock.systemUTC(), RamSettings.DEFAULTS);
    }

    /**
     * @param clock the emulator's time: request dates and timestamps, credential expiry (tests steer it)
     */
    public EmulatorServer(Settings settings, EmulatorFaults faults, Ticker ticker, Clock clock, RamSettings ram) {
        this.settings = settings;
        this.faults = faults;
        this.ticker = ticker;
        this.clock = clock;
        this.ram = ram;
        this.roles = new EmulatorRoles(ram.roleName(), ram.roleCredentialsTtl(), clock);
    }

    /** Loads or creates the state, writes the credential files and listens. Blocks until listening. */
    public EmulatorServer start() {
        Path directory = settings.directory().toAbsolutePath().normalize();
        EmulatorState state = loadOrCreate(directory);
        ClientKey ownKey = new ClientKey(
                settings.clientKeyId(),
                state.clientKey().issued().key(),
                state.clientKey().issued().certificate());
        EmulatorFiles.writeCredentialFiles(directory, settings.instanceId(), state, ownKey);

        // Its own small Vert.x: the emulator is another server, not part of the application's
        // event loops or metrics.
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(1));
        TrustedClientKeys clientKeys = new TrustedClientKeys(directory, ownKey, ticker);
        FaultInjection faultInjection = new FaultInjection(vertx, faults);
        EmulatorHandler handler = new EmulatorHandler(
                new ProtocolRouter(
                        new InstanceApi(
                                new InstanceAuth(clientKeys, settings.maxClockSkew(), clock),
                                new InstanceOperations(
                                        new EmulatorKeys(state.keys()), settings.secrets(), clock.instant())),
                        new OpenApiEmulator(settings.secrets(), roles, settings.maxClockSkew(), clock)),
                faultInjection);
        EmulatorPki.Issued serverPair = state.server().issued();
        HttpServerOptions options = new HttpServerOptions()
                .setHost(settings.host())
                .setPort(settings.port())
                .setSsl(true)
                .setKeyCertOptions(new PemKeyCertOptions()
                        .addKeyValue(Buffer.buffer(CredentialWriter.pem(serverPair.key())))
                        .addCertValue(Buffer.buffer(CredentialWriter.pem(
                                serverPair.certificate(), state.subCa().issued().certificate()))))
                .setClientAuth(ClientAuth.NONE);
        HttpServer server;
        HttpServer metadata;
        try {
            server = vertx.createHttpServer(options)
                    .requestHandler(handler)
                    .listen()
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
            metadata = vertx.createHttpServer(
                            new HttpServerOptions().setHost(settings.host()).setPort(0))
                    .requestHandler(new MetadataHandler(roles, faultInjection, clock))
                    .listen()
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            vertx.close();
            throw new IllegalStateException(
                    "the KMS emulator cannot listen on " + settings.host() + ":" + settings.port(), e);
        }
        String host = settings.host().equals("0.0.0.0") || settings.host().equals("127.0.0.1")
                ? "localhost"
                : settings.host();
        endpoint = URI.create("https://" + host + ":" + server.actualPort());
        metadataEndpoint =
                URI.create("http://" + (host.equals("localhost") ? "127.0.0.1" : host) + ":" + metadata.actualPort());
        EmulatorFiles.writeRamFiles(directory, ram.roleName(), ram.regionId(), ram.tokenFileTtl(), roles);
        LOG.infof(
                "KMS emulator (a development tool, no security value) listening on %s: instance %s, client key %s, "
                        + "keys %s, credentials in %s; KMS OpenAPI on the same port, metadata service on %s (RAM role %s)",
                endpoint,
                settings.instanceId(),
                settings.clientKeyId(),
                settings.keys(),
                directory,
                metadataEndpoint,
                ram.roleName());
        return this;
    }

    private EmulatorState loadOrCreate(Path directory) {
        Path stateFile = settings.stateFile();
        EmulatorState state;
        if (Files.isRegularFile(stateFile)) {
            state = EmulatorState.load(stateFile);
        } else {
            LOG.infof("KMS emulator: creating a new CA, server certificate and client key in %s", directory);
            state = EmulatorState.generate(settings.instanceId());
        }
        EmulatorState withKeys = state.withKeys(settings.keys());
        if (!withKeys.equals(state) || !Files.isRegularFile(stateFile)) {
            withKeys.save(stateFile);
        }
        return withKeys;
    }

    public URI endpoint() {
        return endpoint;
    }

    /** The emulator's instance metadata service (plain HTTP). */
    public URI metadataEndpoint() {
        return metadataEndpoint;
    }

    /** The emulator's STS: issues and checks RAM credentials. */
    public EmulatorRoles roles() {
        return roles;
    }

    public RamSettings ramSettings() {
        return ram;
    }

    public EmulatorFaults faults() {
        return faults;
    }

    public Settings settings() {
        return settings;
    }

    @Override
    public void close() {
        if (vertx != null) {
            vertx.close()
                    .toCompletionStage()
                    .toCompletableFuture()
                    .orTimeout(10, TimeUnit.SECONDS)
                    .join();
            vertx = null;
        }
    }
}
