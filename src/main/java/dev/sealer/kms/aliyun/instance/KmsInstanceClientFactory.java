package dev.sealer.kms.aliyun.instance;

import dev.sealer.credentials.KmsCredentials;
import dev.sealer.kms.KmsCallObserver;
import dev.sealer.kms.RetryLoop;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Assembles a {@link KmsInstanceClient} from credentials: the typed REST client with the TLS
 * material of the client key and the instance's CA, the request signer, the protobuf codec and the
 * error mapper, wrapped in the retry loop. Building parses nothing; it only wires.
 */
public final class KmsInstanceClientFactory {

    /** Per-attempt timeouts and the retry policy (which bounds the whole call). */
    public record Settings(Duration connectTimeout, Duration readTimeout, RetryLoop.Policy retry) {}

    private final Settings settings;
    private final KmsCallObserver observer;
    private final Clock clock;

    /**
     * @param clock dates the request signatures (the KMS refuses a date more than 15 minutes off)
     */
    public KmsInstanceClientFactory(Settings settings, KmsCallObserver observer, Clock clock) {
        this.settings = settings;
        this.observer = observer;
        this.clock = clock;
    }

    public Settings settings() {
        return settings;
    }

    public KmsInstanceClient build(KmsCredentials credentials, URI endpoint) {
        KmsInstanceApi api = QuarkusRestClientBuilder.newBuilder()
                .baseUri(endpoint)
                .tlsConfiguration(new KmsTlsConfiguration(credentials))
                .connectTimeout(settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(settings.readTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .register(new SigningFilter(credentials.clientKey(), clock))
                .register(new ProtobufProvider())
                .register(new KmsErrorMapper())
                .build(KmsInstanceApi.class);
        return new KmsInstanceClient(api, endpoint, new RetryLoop(settings.retry()), observer);
    }
}
