package dev.sealer.emulator;

import dev.sealer.credentials.ClientKey;
import dev.sealer.credentials.CredentialFiles;
import dev.sealer.credentials.CredentialWriter;
import dev.sealer.kms.aliyun.LocalKmsInstance;
import io.quarkus.arc.lookup.LookupIfProperty;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.TrustOptions;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * An HTTPS server in this process that speaks the Alibaba Cloud KMS-instance API (SPEC 3) like a
 * real instance: the default KMS of dev mode, tests and demos. Active only with
 * {@code aliyun.kms.emulator.enabled=true}.
 *
 * <p>At start it loads its state (or creates it: root CA, sub-CA, server certificate, client key,
 * AES keys) and writes the credential files a client needs into {@code aliyun.kms.credential-dir}
 * in the real formats: {@code PrivateKmsCA_<instance>.pem} (root, then sub-CA),
 * {@code clientKey_<id>.json} with a legacy-encrypted PKCS#12 and {@code password_<id>.json}.
 *
 * <p><b>A development tool with no security value</b>: its keys live in plain files, and it
 * listens on loopback by default for that reason.
 */
@ApplicationScoped
@LookupIfProperty(name = "aliyun.kms.emulator.enabled", stringValue = "true")
public class KmsEmulator implements LocalKmsInstance {

    private static final Logger LOG = Logger.getLogger(KmsEmulator.class);
    static final Path DEFAULT_DIRECTORY = Path.of(".kms-emulator");
    static final String STATE_FILE = ".kms-emulator-state.json";

    /** Its own small Vert.x: the emulator is another server, not part of the application's metrics or event loops. */
    private Vertx vertx;

    @Inject
    EmulatorConfig config;

    @ConfigProperty(name = "aliyun.kms.credential-dir")
    Optional<Path> credentialDir;

    private Path directory;
    private EmulatorFaults faults;
    private HttpServer server;
    private URI endpoint;

    @PostConstruct
    void start() {
        directory = credentialDir.orElse(DEFAULT_DIRECTORY).toAbsolutePath().normalize();
        Path stateFile = config.stateFile().map(Path::of).orElse(directory.resolve(STATE_FILE));
        EmulatorState state = loadOrCreate(stateFile);
        ClientKey ownKey = new ClientKey(config.clientKeyId(), state.clientKey().issued().key(),
                state.clientKey().issued().certificate());
        writeCredentialFiles(state, ownKey);

        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(1));
        faults = new EmulatorFaults(config.faults());
        TrustedClientKeys clientKeys = new TrustedClientKeys(directory, ownKey);
        EmulatorHandler handler = new EmulatorHandler(vertx, new EmulatorKeys(state.keys()), config.secrets(), clientKeys,
                faults, config.maxClockSkew(), Clock.systemUTC());

        EmulatorPki.Issued serverPair = state.server().issued();
        HttpServerOptions options = new HttpServerOptions()
                .setHost(config.host())
                .setPort(config.port())
                .setSsl(true)
                .setKeyCertOptions(new PemKeyCertOptions()
                        .addKeyValue(Buffer.buffer(CredentialWriter.pem(serverPair.key())))
                        .addCertValue(Buffer.buffer(CredentialWriter.pem(serverPair.certificate(),
                                state.subCa().issued().certificate()))))
                .setClientAuth(ClientAuth.REQUEST)
                .setTrustOptions(TrustOptions.wrap(clientKeys));
        try {
            server = vertx.createHttpServer(options).requestHandler(handler).listen()
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the KMS emulator cannot listen on " + config.host() + ":" + config.port(), e);
        }
        String host = config.host().equals("0.0.0.0") || config.host().equals("127.0.0.1") ? "localhost" : config.host();
        endpoint = URI.create("https://" + host + ":" + server.actualPort());
        LOG.infof("KMS emulator (a development tool, no security value) listening on %s: instance %s, client key %s, "
                + "keys %s, credentials in %s", endpoint, config.instanceId(), config.clientKeyId(), config.keys(), directory);
    }

    private EmulatorState loadOrCreate(Path stateFile) {
        EmulatorState state;
        if (EmulatorState.exists(stateFile)) {
            state = EmulatorState.load(stateFile);
        } else {
            LOG.infof("KMS emulator: creating a new CA, server certificate and client key in %s", directory);
            state = EmulatorState.generate(config.instanceId());
        }
        EmulatorState withKeys = state.withKeys(config.keys());
        if (!withKeys.equals(state) || !EmulatorState.exists(stateFile)) {
            withKeys.save(stateFile);
        }
        return withKeys;
    }

    /** (Re)writes the files a client needs, so that they always match the state. */
    private void writeCredentialFiles(EmulatorState state, ClientKey ownKey) {
        CredentialWriter.writeCaBundle(directory, config.instanceId(),
                List.of(state.rootCa().issued().certificate(), state.subCa().issued().certificate()));
        Path clientKeyFile = directory.resolve(CredentialFiles.clientKeyFileName(ownKey.id()));
        if (!Files.exists(clientKeyFile) || !matches(clientKeyFile, ownKey, state.clientKeyPassword())) {
            CredentialWriter.writeClientKey(directory, ownKey.id(), ownKey.privateKey(), ownKey.certificate(),
                    state.clientKeyPassword().toCharArray(), CredentialWriter.PasswordFormat.BARE);
        }
    }

    private boolean matches(Path clientKeyFile, ClientKey ownKey, String password) {
        try {
            return CredentialFiles.parseClientKey(CredentialFiles.read(clientKeyFile),
                    (password + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8), ownKey.id(), "emulator client key")
                    .certificate().equals(ownKey.certificate());
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The fault switches, for reliability tests. */
    public EmulatorFaults faults() {
        return faults;
    }

    @Override
    public URI endpoint() {
        return endpoint;
    }

    @Override
    public String instanceId() {
        return config.instanceId();
    }

    @Override
    public String clientKeyId() {
        return config.clientKeyId();
    }

    @Override
    public String keyId() {
        return config.keys().get(0);
    }

    @Override
    public Path credentialDir() {
        return directory;
    }

    @PreDestroy
    void stop() {
        if (vertx != null) {
            vertx.close();
        }
    }
}
