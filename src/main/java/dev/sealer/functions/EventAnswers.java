package dev.sealer.functions;

import dev.sealer.ErrorCode;
import dev.sealer.ServiceFaultException;
import dev.sealer.functions.runtime.Profiles;
import dev.sealer.functions.runtime.SealerConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.interfaces.ECPublicKey;
import java.util.Set;
import org.jboss.logging.Logger;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.lang.JoseException;

/**
 * What an unseal over CloudEvents answers ({@code sealer.events.unseal.*}). Its answer event goes back
 * to the Broker, where every Trigger of the namespace can receive it and the channel may store it, so
 * the secret never travels there in clear: unseal over events is refused ({@code forbidden}, 403, which
 * Knative does not retry) unless enabled, and when enabled the answer is {@code {"jwe": "..."}}, a
 * compact JWE of the secret's bytes (ECDH-ES+A256KW, A256GCM) to the configured recipient's public EC
 * key. Only the holder of its private half can read it. The protected header names the recipient key
 * ({@code kid}, when the JWK has one) and the request event ({@code event_id}), so that the recipient can
 * match answer to request; it is authenticated by the JWE's GCM tag. In the {@code tee} profile the
 * recipient is the attested one ({@link AttestedKeys}), never a key from the environment.
 */
@ApplicationScoped
public class EventAnswers {

    private static final Logger LOG = Logger.getLogger(EventAnswers.class);
    private static final Set<String> CURVES = Set.of("P-256", "P-384", "P-521");
    /** Longer event ids are not copied into the header. */
    private static final int MAX_EVENT_ID = 256;

    @Inject
    SealerConfig config;

    private volatile EllipticCurveJsonWebKey recipient;

    /** True when unseal is served over CloudEvents (with encrypted answers). */
    public boolean enabled() {
        return config.events().unseal().enabled();
    }

    void onStart(@Observes @Priority(3) StartupEvent event) {
        checkConfiguration();
    }

    /** Checks the configuration at start and loads the recipient key; any problem stops the start. */
    public void checkConfiguration() {
        SealerConfig.Events.Unseal unseal = config.events().unseal();
        boolean value = unseal.recipientJwk().isPresent();
        boolean file = unseal.recipientJwkFile().isPresent();
        if (!unseal.enabled()) {
            LOG.info(
                    "unseal over CloudEvents: off (sealer.events.unseal.enabled=false); seal events and plain HTTP are served");
            return;
        }
        if (Profiles.isTee(Profiles.active())) {
            // the tee profile's checks refuse a recipient from the environment; its answers go to the attested one
            LOG.info(
                    "unseal over CloudEvents: on; answers are encrypted to the attested recipient (sealer.tee.unseal.recipient)");
            return;
        }
        if (value == file) {
            throw refused("sealer.events.unseal.enabled=true needs the recipient's public key: set exactly one of "
                    + "sealer.events.unseal.recipient-jwk and sealer.events.unseal.recipient-jwk-file");
        }
        String json;
        if (value) {
            json = unseal.recipientJwk().get();
        } else {
            try {
                json = Files.readString(unseal.recipientJwkFile().get(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new ServiceFaultException(
                        ErrorCode.NOT_CONFIGURED,
                        "sealer.events.unseal.recipient-jwk-file cannot be read",
                        unseal.recipientJwkFile().get().toString(),
                        e);
            }
        }
        recipient = parse(json);
        LOG.infof(
                "unseal over CloudEvents: on; answers are encrypted (JWE ECDH-ES+A256KW, A256GCM) to the recipient key%s",
                recipient.getKeyId() == null ? "" : " " + recipient.getKeyId());
    }

    /**
     * @param secret the unsealed secret (not kept; the caller wipes it)
     * @param eventId the request event's id (copied into the protected header when short enough)
     * @return the compact JWE
     */
    public String encrypt(byte[] secret, String eventId) {
        EllipticCurveJsonWebKey key = recipient;
        if (key == null) {
            throw new ServiceFaultException(
                    ErrorCode.NOT_CONFIGURED, "no recipient key for unseal answers over CloudEvents");
        }
        return Jwe.encrypt(secret, key, eventHeader(eventId));
    }

    /** The {@code event_id} protected-header member for a request event's id, when short enough to copy. */
    static String[] eventHeader(String eventId) {
        return eventId != null && !eventId.isEmpty() && eventId.length() <= MAX_EVENT_ID
                ? new String[] {"event_id", eventId}
                : new String[0];
    }

    private static EllipticCurveJsonWebKey parse(String json) {
        JsonWebKey parsed;
        try {
            parsed = JsonWebKey.Factory.newJwk(json);
        } catch (JoseException | RuntimeException e) {
            throw refused("the unseal answer recipient key is not a JWK");
        }
        if (!(parsed instanceof EllipticCurveJsonWebKey ec) || !CURVES.contains(ec.getCurveName())) {
            throw refused("the unseal answer recipient key must be an EC JWK on P-256, P-384 or P-521");
        }
        if (ec.getPrivateKey() != null) {
            throw refused("the unseal answer recipient key holds a private part ('d'): give only its public half; "
                    + "the private half belongs to the recipient alone");
        }
        ECPublicKey publicKey = ec.getECPublicKey();
        if (publicKey == null) {
            throw refused("the unseal answer recipient key has no public point");
        }
        return ec;
    }

    private static ServiceFaultException refused(String message) {
        return new ServiceFaultException(ErrorCode.NOT_CONFIGURED, message);
    }
}
