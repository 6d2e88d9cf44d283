package dev.sealer.functions;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealer.CallerFaultException;
import dev.sealer.ErrorCode;
import dev.sealer.StrictBase64;
import dev.sealer.functions.runtime.Profiles;
import dev.sealer.functions.runtime.SealerConfig;
import dev.sealer.kms.KmsProviders;
import dev.sealer.secret.SecretLimits;
import dev.sealer.secret.SecretSealer;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * The application side of {@code seal}, {@code unseal} and {@code reseal}, shared by every entry point (plain HTTP,
 * CloudEvents, Function Compute): checks the shape of a request, then delegates to the CDI-free
 * {@link SecretSealer}. Knows no KMS provider: the request names one, or the service's default is
 * used. Plaintext buffers are wiped once encoded.
 *
 * <p>In the {@code tee} profile no plaintext leaves the guest in clear: every unseal answer, whatever the
 * entry point, is a JWE to the attested recipient ({@link AttestedKeys}); only {@link #unsealInClear} (the
 * loopback listener, for a container of the same pod) answers the secret itself. {@code seal} is refused
 * unless {@code sealer.tee.seal.enabled}, and then takes its input only as a JWE to the guest's seal input
 * key. {@code reseal} keeps the sealed secret's own client key and instance.
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
    FunctionCalls calls;

    @Inject
    EventAnswers eventAnswers;

    @Inject
    AttestedKeys attestedKeys;

    @Inject
    ObjectMapper mapper;

    private boolean tee;

    @PostConstruct
    void init() {
        tee = Profiles.isTee(Profiles.active());
    }

    public SealResponse seal(SealRequest request, Invocation invocation) {
        return calls.run("seal", invocation, call -> call.wrote(tee ? sealInTee(request) : doSeal(request)));
    }

    /**
     * unseal; in {@code tee} the answer is only a JWE to the attested recipient. Over CloudEvents it is
     * refused unless {@code sealer.events.unseal.enabled}, and then answered with the secret encrypted to the
     * configured recipient only ({@link EventAnswers}): the answer event goes back to the Broker.
     */
    public UnsealResponse unseal(UnsealRequest request, Invocation invocation) {
        return calls.run("unseal", invocation, call -> {
            call.read(request == null ? null : request.sealed());
            if (invocation.entryPoint() == EntryPoint.CLOUD_EVENT) {
                return unsealForEvent(request, invocation.eventId());
            }
            return tee ? doUnsealEncrypted(request) : doUnseal(request);
        });
    }

    /**
     * unseal answering the secret itself, in every profile: for the tee profile's loopback listener only
     * (its caller is a container of the same pod, inside the guest).
     */
    public UnsealResponse unsealInClear(UnsealRequest request, Invocation invocation) {
        return calls.run("unseal", invocation, call -> {
            call.read(request == null ? null : request.sealed());
            return doUnseal(request);
        });
    }

    public SealResponse reseal(ResealRequest request, Invocation invocation) {
        return calls.run("reseal", invocation, call -> {
            if (request != null) {
                call.read(request.sealed());
            }
            if (request == null) {
                throw invalid("the request body must be a JSON object with 'sealed'");
            }
            if (tee && request.providerSettings() != null) {
                // new credentials for the Encrypt call would come from files the host can replace; the secret's
                // own ones have just proven themselves by decrypting its data key
                throw new CallerFaultException(
                        ErrorCode.FORBIDDEN,
                        "field 'provider_settings': in tee a reseal keeps the sealed secret's own client key and "
                                + "instance (only 'key_id' may change)");
            }
            return call.wrote(
                    SealResponse.single(sealer.reseal(request.sealed(), request.keyId(), request.providerSettings())));
        });
    }

    /**
     * unseal for a CloudEvent: refused unless {@code sealer.events.unseal.enabled}, and then answered with
     * the secret encrypted to the configured recipient only ({@link EventAnswers}).
     */
    private UnsealResponse unsealForEvent(UnsealRequest request, String eventId) {
        if (!eventAnswers.enabled()) {
            throw new CallerFaultException(
                    ErrorCode.FORBIDDEN,
                    "unseal is not served over CloudEvents here: its answer "
                            + "would carry the secret onto the broker. Call POST /unseal, or enable sealer.events.unseal with a "
                            + "recipient key");
        }
        byte[] secret = sealer.unseal(request == null ? null : request.sealed());
        try {
            return UnsealResponse.encrypted(
                    tee
                            ? Jwe.encrypt(secret, attestedKeys.recipient(), EventAnswers.eventHeader(eventId))
                            : eventAnswers.encrypt(secret, eventId));
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    private UnsealResponse doUnsealEncrypted(UnsealRequest request) {
        byte[] secret = sealer.unseal(request == null ? null : request.sealed());
        try {
            return UnsealResponse.encrypted(Jwe.encrypt(secret, attestedKeys.recipient()));
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /**
     * seal in {@code tee}: refused unless enabled; then the request is {@code {"jwe": "..."}}, a compact JWE to
     * the guest's seal input key whose plaintext is an ordinary seal request (single or batch).
     */
    private SealResponse sealInTee(SealRequest request) {
        if (!config.tee().seal().enabled()) {
            throw new CallerFaultException(
                    ErrorCode.FORBIDDEN,
                    "seal is not served in the tee profile: sealing is a user-side operation (seal outside the TEE, "
                            + "or enable sealer.tee.seal with a seal input key)");
        }
        if (request == null || request.jwe() == null) {
            throw invalid("in tee, seal takes only 'jwe': the seal request encrypted to the guest's seal input key");
        }
        if (request.plaintext() != null
                || request.text() != null
                || request.secrets() != null
                || request.keyId() != null
                || request.provider() != null
                || request.providerSettings() != null
                || request.type() != null
                || request.name() != null
                || request.annotations() != null
                || request.output() != null
                || request.metadata() != null) {
            throw invalid("field 'jwe': nothing else may stand beside it (the whole seal request goes inside)");
        }
        byte[] inner = Jwe.decrypt(request.jwe(), attestedKeys.sealInputKey(), "jwe");
        SealRequest decrypted;
        try {
            decrypted = mapper.readerFor(SealRequest.class)
                    .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .readValue(inner);
        } catch (IOException e) {
            throw invalid("field 'jwe': its plaintext is not a seal request (a JSON object with 'plaintext', "
                    + "'text' or 'secrets')");
        } finally {
            Arrays.fill(inner, (byte) 0);
        }
        if (decrypted == null || decrypted.jwe() != null) {
            throw invalid("field 'jwe': its plaintext must be a seal request without 'jwe'");
        }
        return doSeal(decrypted);
    }

    private SealResponse doSeal(SealRequest request) {
        if (request == null) {
            throw invalid("the request body must be a JSON object with 'plaintext' or 'text'");
        }
        if (request.jwe() != null) {
            throw invalid("field 'jwe' is read only by the tee profile with sealer.tee.seal enabled");
        }
        String provider = request.provider() != null ? request.provider() : defaultProvider();
        Map<String, String> settings = request.providerSettings() == null ? Map.of() : request.providerSettings();
        String type = request.type() == null ? "envelope" : request.type();
        if (request.secrets() != null) {
            return sealBatch(request, provider, settings, type);
        }
        if (request.output() != null || request.metadata() != null) {
            throw invalid("fields 'output' and 'metadata' are only for a batch ('secrets')");
        }
        switch (type) {
            case "envelope" -> {
                if (request.name() != null || request.annotations() != null) {
                    throw invalid("fields 'name' and 'annotations' are only for type 'vault'");
                }
                byte[] secret = secretBytes(request, sealer.limits());
                try {
                    return SealResponse.single(sealer.sealEnvelope(secret, provider, request.keyId(), settings));
                } finally {
                    Arrays.fill(secret, (byte) 0);
                }
            }
            case "vault" -> {
                if (request.plaintext() != null || request.text() != null || request.keyId() != null) {
                    throw invalid(
                            "fields 'plaintext', 'text' and 'key_id' are not for type 'vault' (it only names a KMS secret)");
                }
                return SealResponse.single(sealer.sealVault(
                        provider,
                        request.name(),
                        settings,
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

    /**
     * Seals every secret of a batch with the same settings, all or nothing: the first bad item fails
     * the call, naming its key (never its value), and nothing sealed so far is returned.
     */
    private SealResponse sealBatch(SealRequest request, String provider, Map<String, String> settings, String type) {
        if (!"envelope".equals(type)
                || request.plaintext() != null
                || request.text() != null
                || request.name() != null
                || request.annotations() != null) {
            throw invalid(
                    "field 'secrets': a batch holds envelope secrets only, and no 'plaintext', 'text', 'name' or 'annotations' beside it");
        }
        boolean manifest = request.output() != null;
        if (manifest && !"kubernetes-secret".equals(request.output())) {
            throw invalid("field 'output': must be 'kubernetes-secret'");
        }
        SealerConfig.Batch bounds = config.batch();
        if (request.secrets().isEmpty() || request.secrets().size() > bounds.maxItems()) {
            throw invalid("field 'secrets': must hold 1 to " + bounds.maxItems() + " secrets");
        }
        long total = 0;
        for (Map.Entry<String, SealRequest.SecretItem> item : request.secrets().entrySet()) {
            if (!SecretManifest.DATA_KEY.matcher(item.getKey()).matches()) {
                throw invalid(
                        "field 'secrets': a key must be 1-253 letters, digits, '-', '_' or '.' (a Kubernetes Secret data key)");
            }
            SealRequest.SecretItem secret = item.getValue();
            if (secret == null) {
                throw invalid("field 'secrets." + item.getKey() + "': must be an object with 'plaintext' or 'text'");
            }
            total += secret.text() != null
                    ? secret.text().length()
                    : secret.plaintext() != null ? secret.plaintext().length() * 3L / 4 : 0;
        }
        if (total > bounds.maxTotalBytes().asLongValue()) {
            throw new CallerFaultException(
                    ErrorCode.PAYLOAD_TOO_LARGE,
                    "field 'secrets': the secrets exceed the batch limit of "
                            + bounds.maxTotalBytes().asLongValue() + " bytes");
        }
        // every item is checked and decoded before the first KMS call: a bad one costs nothing
        Map<String, byte[]> secrets = new TreeMap<>();
        Map<String, String> sealed = new TreeMap<>();
        try {
            request.secrets().forEach((key, item) -> secrets.put(key, itemBytes(key, item)));
            for (Map.Entry<String, byte[]> secret : secrets.entrySet()) {
                try {
                    sealed.put(
                            secret.getKey(),
                            sealer.sealEnvelope(secret.getValue(), provider, request.keyId(), settings));
                } catch (CallerFaultException e) {
                    throw new CallerFaultException(
                            e.errorCode(), "secret '" + secret.getKey() + "': " + e.getMessage(), e.detail(), e);
                }
            }
        } finally {
            secrets.values().forEach(bytes -> Arrays.fill(bytes, (byte) 0));
        }
        return SealResponse.batch(sealed, manifest ? SecretManifest.of(request.metadata(), sealed) : null);
    }

    private byte[] itemBytes(String key, SealRequest.SecretItem item) {
        try {
            return secretBytes(item.plaintext(), item.text(), sealer.limits());
        } catch (CallerFaultException e) {
            throw new CallerFaultException(e.errorCode(), "secret '" + key + "': " + e.getMessage(), e.detail(), e);
        }
    }

    /** The secret bytes of an envelope seal request, size-checked before decoding. */
    private static byte[] secretBytes(SealRequest request, SecretLimits limits) {
        return secretBytes(request.plaintext(), request.text(), limits);
    }

    private static byte[] secretBytes(String plaintext, String text, SecretLimits limits) {
        if ((plaintext == null) == (text == null)) {
            throw invalid("exactly one of 'plaintext' (std base64) and 'text' (UTF-8) is required");
        }
        if (plaintext != null) {
            limits.checkBase64(plaintext.length());
            return StrictBase64.decodeStandard("plaintext", plaintext);
        }
        limits.checkText(text.length());
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private String defaultProvider() {
        return config.defaultProvider()
                .orElseGet(() -> providers.all().size() == 1
                        ? providers.all().iterator().next().name()
                        : null);
    }

    private static CallerFaultException invalid(String message) {
        return new CallerFaultException(ErrorCode.INVALID_REQUEST, message);
    }
}
