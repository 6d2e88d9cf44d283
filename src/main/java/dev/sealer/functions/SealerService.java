package dev.sealer.functions;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealer.CallerFaultException;
import dev.sealer.ErrorCode;
import dev.sealer.StrictBase64;
import dev.sealer.Texts;
import dev.sealer.functions.runtime.Profiles;
import dev.sealer.functions.runtime.SealerConfig;
import dev.sealer.secret.SecretSealer;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.Arrays;

/**
 * The application side of {@code seal}, {@code unseal} and {@code reseal}, shared by every entry point (plain HTTP,
 * CloudEvents, Function Compute, the tee loopback listener): checks that the call may run the function ({@link FunctionAccess}) and the
 * shape of its request ({@link SealCommand}, run by {@link Sealing}), then delegates to the CDI-free
 * {@link SecretSealer}. Knows no KMS provider: the request names one, or the service's default is
 * used. Plaintext buffers are wiped once encoded. Each call reserves, before the work, the memory its
 * answer will hold ({@link InFlightMemory}). Each call, from its access check on, runs inside {@link
 * FunctionCalls#run}, so that a refusal (by access, by the memory budget, by the KMS) leaves the same metric,
 * span and audit line as a success, with its stable error code as the outcome.
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
    Sealing sealing;

    @Inject
    SealerConfig config;

    @Inject
    FunctionCalls calls;

    @Inject
    EventAnswers eventAnswers;

    @Inject
    FunctionAccess access;

    @Inject
    AttestedKeys attestedKeys;

    @Inject
    ObjectMapper mapper;

    private boolean tee;

    @PostConstruct
    void init() {
        tee = Profiles.isTee(Profiles.active());
    }

    /**
     * seal, by any entry point; {@link FunctionAccess} decides first whether this call may run it. Every call
     * is recorded by {@link FunctionCalls} (metric, span, audit line), refusals included.
     */
    public SealResponse seal(SealRequest request, Invocation invocation) {
        return calls.run(Operation.SEAL, invocation, call -> {
            access.require(Operation.SEAL, invocation);
            return call.wrote(
                    tee ? sealInTee(request, invocation.memory()) : sealing.seal(request, invocation.memory()));
        });
    }

    /**
     * unseal. Over plain HTTP and Function Compute the answer holds the secret (in {@code tee}: only a JWE to
     * the attested recipient). Over CloudEvents it is refused unless {@code sealer.events.unseal.enabled},
     * and then answered with the secret encrypted to the configured recipient only ({@link EventAnswers};
     * in {@code tee} the attested one): the answer event goes back to the Broker. A refused call still
     * records which sealed secret it named.
     */
    public UnsealResponse unseal(UnsealRequest request, Invocation invocation) {
        return calls.run(Operation.UNSEAL, invocation, call -> {
            call.read(request == null ? null : request.sealed());
            access.require(Operation.UNSEAL, invocation);
            if (invocation.entryPoint() == EntryPoint.CLOUD_EVENT) {
                return doUnsealForEvent(request, invocation.eventId(), invocation.memory());
            }
            return tee ? doUnsealEncrypted(request, invocation.memory()) : doUnseal(request, invocation.memory());
        });
    }

    /**
     * unseal answering the secret itself, in every profile: for the tee profile's loopback listener only
     * (its caller is a container of the same pod, inside the guest; that listener is not behind the HTTP
     * layer's guard, so nothing is reserved for it: {@link Invocation#loopback}).
     */
    public UnsealResponse unsealInClear(UnsealRequest request, Invocation invocation) {
        return calls.run(Operation.UNSEAL, invocation, call -> {
            call.read(request == null ? null : request.sealed());
            access.require(Operation.UNSEAL, invocation);
            return doUnseal(request, invocation.memory());
        });
    }

    /**
     * reseal. Over CloudEvents it keeps the secret's KMS key and provider settings: an event may renew a
     * secret's data key and signature, but not move it under another key (one that other clients may be
     * allowed to decrypt with), since whoever can put an event on the Broker, or holds a Trigger's token,
     * is not trusted like the API token's holder. Moving a secret takes {@code POST /reseal}.
     */
    public SealResponse reseal(ResealRequest request, Invocation invocation) {
        return calls.run(Operation.RESEAL, invocation, call -> {
            if (request != null) {
                call.read(request.sealed());
            }
            access.require(Operation.RESEAL, invocation);
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
            if (invocation.entryPoint() == EntryPoint.CLOUD_EVENT
                    && (request.keyId() != null || request.providerSettings() != null)) {
                throw new CallerFaultException(
                        ErrorCode.FORBIDDEN,
                        "over CloudEvents, reseal keeps the secret's KMS key and provider settings: 'key_id' and "
                                + "'provider_settings' are for POST /reseal");
            }
            // the new sealed secret is the old one's size, give or take its ids and kid
            invocation
                    .memory()
                    .reserveAnswer(
                            (request.sealed() == null ? 0 : request.sealed().length()) + 4096L);
            return call.wrote(
                    SealResponse.single(sealer.reseal(request.sealed(), request.keyId(), request.providerSettings())));
        });
    }

    private UnsealResponse doUnsealForEvent(UnsealRequest request, String eventId, InFlightMemory.Reservation memory) {
        if (!eventAnswers.enabled()) {
            throw new CallerFaultException(
                    ErrorCode.FORBIDDEN,
                    "unseal is not served over CloudEvents here: its answer "
                            + "would carry the secret onto the broker. Call POST /unseal, or enable sealer.events.unseal with a "
                            + "recipient key");
        }
        byte[] secret = sealer.unseal(request == null ? null : request.sealed());
        try {
            memory.reserveAnswer(jweChars(secret));
            return UnsealResponse.encrypted(
                    tee
                            ? Jwe.encrypt(secret, attestedKeys.recipient(), EventAnswers.eventHeader(eventId))
                            : eventAnswers.encrypt(secret, eventId));
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    private UnsealResponse doUnsealEncrypted(UnsealRequest request, InFlightMemory.Reservation memory) {
        byte[] secret = sealer.unseal(request == null ? null : request.sealed());
        try {
            memory.reserveAnswer(jweChars(secret));
            return UnsealResponse.encrypted(Jwe.encrypt(secret, attestedKeys.recipient()));
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /** A compact JWE of the secret: its b64url, the header and the wrapped key. */
    private static long jweChars(byte[] secret) {
        return StrictBase64.standardLength(secret.length + 16L) + 1024;
    }

    /**
     * seal in {@code tee}: refused unless enabled; then the request is {@code {"jwe": "..."}}, a compact JWE to
     * the guest's seal input key whose plaintext is an ordinary seal request (single or batch).
     */
    private SealResponse sealInTee(SealRequest request, InFlightMemory.Reservation memory) {
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
        return sealing.seal(decrypted, memory);
    }

    private UnsealResponse doUnseal(UnsealRequest request, InFlightMemory.Reservation memory) {
        byte[] secret = sealer.unseal(request == null ? null : request.sealed());
        try {
            String text = Texts.utf8OrNull(secret);
            // the base64 and the text as JSON (control characters escaped, up to six-fold)
            memory.reserveAnswer(
                    StrictBase64.standardLength(secret.length) + (text == null ? 0 : Texts.jsonStringChars(text)) + 64);
            return new UnsealResponse(StrictBase64.encodeStandard(secret), text);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    private static CallerFaultException invalid(String message) {
        return new CallerFaultException(ErrorCode.INVALID_REQUEST, message);
    }
}
