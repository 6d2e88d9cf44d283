package dev.sealer.secret;

import dev.sealer.ErrorCode;
import dev.sealer.ServiceFaultException;
import java.util.Optional;

/**
 * What signs new sealed secrets: the instance's {@link SigningKey} ({@link #with}), or nothing ({@link #none()}):
 * an instance that only unseals, which refuses every seal and reseal with {@code NOT_CONFIGURED} before anything
 * else is looked at. The private key never leaves the {@link SigningKey}.
 */
public sealed interface Signer {

    static Signer with(SigningKey key) {
        return new WithKey(key);
    }

    static Signer none() {
        return None.INSTANCE;
    }

    /** {@link #with} the key when there is one, else {@link #none()}. */
    static Signer of(Optional<SigningKey> key) {
        return key.map(Signer::with).orElseGet(Signer::none);
    }

    /** @throws ServiceFaultException {@code NOT_CONFIGURED} when there is no signing key */
    void requireKey();

    /** The compact JWS of {@code payload}. */
    String sign(SealedSecretPayload payload);

    /** The kid and public key that verify what is signed; empty without a key. */
    Optional<PublishedKeys.Entry> published();

    /** A signing key. */
    record WithKey(SigningKey key) implements Signer {
        public WithKey {
            java.util.Objects.requireNonNull(key);
        }

        @Override
        public void requireKey() {}

        @Override
        public String sign(SealedSecretPayload payload) {
            return SealedSecretJws.sign(key, payload.toJson());
        }

        @Override
        public Optional<PublishedKeys.Entry> published() {
            return Optional.of(new PublishedKeys.Entry(key.kid(), key.publicKey()));
        }
    }

    /** No signing key: this instance only unseals. */
    enum None implements Signer {
        INSTANCE;

        @Override
        public void requireKey() {
            throw new ServiceFaultException(
                    ErrorCode.NOT_CONFIGURED, "this instance only unseals: no signing key is configured");
        }

        @Override
        public String sign(SealedSecretPayload payload) {
            requireKey();
            throw new IllegalStateException("unreachable");
        }

        @Override
        public Optional<PublishedKeys.Entry> published() {
            return Optional.empty();
        }
    }
}
