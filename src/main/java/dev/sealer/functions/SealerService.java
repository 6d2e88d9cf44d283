package dev.sealer.functions;

import dev.sealer.CallerFaultException;
import dev.sealer.ErrorCode;
import dev.sealer.StrictBase64;
import dev.sealer.functions.runtime.SealerConfig;
import dev.sealer.functions.runtime.SealerMetrics;
import dev.sealer.kms.KmsProviders;
import dev.sealer.secret.SecretLimits;
import dev.sealer.secret.SecretSealer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * The application side of {@code seal} and {@code unseal}, shared by every entry point (plain HTTP,
 * CloudEvents, Function Compute): checks the shape of a request, then delegates to the CDI-free
 * {@link SecretSealer}. Knows no KMS provider: the request names one, or the service's default is
 * used. Plaintext buffers are wiped once encoded.
 */
@ApplicationScoped
public class SealerService {

    @Inject
    SecretSealer sealer;

    @Inject
    KmsProviders providers;

    @Inject
    SealerConfig config;

    @Inject
    SealerMetrics metrics;

    @Inject
    EventAnswers eventAnswers;

    public SealResponse seal(SealRequest request) {
        return metrics.timed("seal", () -> doSeal(request));
    }

    public UnsealResponse unseal(UnsealRequest request) {
        return metrics.timed("unseal", () -> doUnseal(request));
    }

    /**
     * unseal for a CloudEvent: refused unless {@code sealer.events.unseal.enabled}, and then answered with
     * the secret encrypted to the configured recipient only ({@link EventAnswers}).
     */
    public UnsealResponse unsealForEvent(UnsealRequest request, String eventId) {
        return metrics.timed("unseal", () -> {
            if (!eventAnswers.enabled()) {
                throw new CallerFaultException(ErrorCode.FORBIDDEN, "unseal is not served over CloudEvents here: its answer "
                        + "would carry the secret onto the broker. Call POST /unseal, or enable sealer.events.unseal with a "
                        + "recipient key");
            }
            byte[] secret = sealer.unseal(request == null ? null : request.sealed());
            try {
                return UnsealResponse.encrypted(eventAnswers.encrypt(secret, eventId));
            } finally {
                Arrays.fill(secret, (byte) 0);
            }
        });
    }

    private SealResponse doSeal(SealRequest request) {
        if (request == null) {
            throw invalid("the request body must be a JSON object with 'plaintext' or 'text'");
        }
        String provider = request.provider() != null ? request.provider() : defaultProvider();
        Map<String, String> settings = request.providerSettings() == null ? Map.of() : request.providerSettings();
        String type = request.type() == null ? "envelope" : request.type();
        switch (type) {
            case "envelope" -> {
                if (request.name() != null || request.annotations() != null) {
                    throw invalid("fields 'name' and 'annotations' are only for type 'vault'");
                }
                byte[] secret = secretBytes(request, sealer.limits());
                try {
                    return new SealResponse(sealer.sealEnvelope(secret, provider, request.keyId(), settings));
                } finally {
                    Arrays.fill(secret, (byte) 0);
                }
            }
            case "vault" -> {
                if (request.plaintext() != null || request.text() != null || request.keyId() != null) {
                    throw invalid("fields 'plaintext', 'text' and 'key_id' are not for type 'vault' (it only names a KMS secret)");
                }
                return new SealResponse(sealer.sealVault(provider, request.name(), settings,
                        request.annotations() == null ? Map.of() : request.annotations()));
            }
            default -> throw invalid("field 'type': must be 'envelope' or 'vault'");
        }
    }

    private UnsealResponse doUnseal(UnsealRequest request) {
        byte[] secret = sealer.unseal(request == null ? null : request.sealed());
        try {
            return new UnsealResponse(StrictBase64.encodeStandard(secret), SecretSealer.utf8OrNull(secret));
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /** The secret bytes of an envelope seal request, size-checked before decoding. */
    private static byte[] secretBytes(SealRequest request, SecretLimits limits) {
        if ((request.plaintext() == null) == (request.text() == null)) {
            throw invalid("exactly one of 'plaintext' (std base64) and 'text' (UTF-8) is required");
        }
        if (request.plaintext() != null) {
            limits.checkBase64(request.plaintext().length());
            return StrictBase64.decodeStandard("plaintext", request.plaintext());
        }
        limits.checkText(request.text().length());
        return request.text().getBytes(StandardCharsets.UTF_8);
    }

    private String defaultProvider() {
        return config.defaultProvider().orElseGet(() -> providers.all().size() == 1
                ? providers.all().iterator().next().name() : null);
    }

    private static CallerFaultException invalid(String message) {
        return new CallerFaultException(ErrorCode.INVALID_REQUEST, message);
    }
}
