package dev.sealer.kms.aliyun.instance;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.sealer.credentials.CredentialStore;
import dev.sealer.kms.KmsCallObserver;
import dev.sealer.kms.RetryLoop;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Function;

/**
 * The production wiring of the KMS-instance client ({@link KmsInstanceClientFactory},
 * {@link KmsInstanceClients}) with test settings: timeouts of a few seconds, 3 attempts with 20-100 ms
 * back-off (as the {@code %test} profile), rotation checks every 2 s of the given ticker.
 */
final class TestFactories {

    private TestFactories() {}

    static KmsInstanceClientFactory factory() {
        return new KmsInstanceClientFactory(
                new KmsInstanceClientFactory.Settings(
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(5),
                        new RetryLoop.Policy(3, Duration.ofMillis(20), Duration.ofMillis(100), Duration.ofSeconds(10))),
                KmsCallObserver.NONE,
                Clock.systemUTC());
    }

    static KmsInstanceClients clients(CredentialStore store, Function<String, URI> endpointFor) {
        return clients(store, endpointFor, Ticker.systemTicker());
    }

    static KmsInstanceClients clients(CredentialStore store, Function<String, URI> endpointFor, Ticker ticker) {
        return new KmsInstanceClients(store, factory(), endpointFor, Duration.ofSeconds(2), 8, ticker);
    }
}
