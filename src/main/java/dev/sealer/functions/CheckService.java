package dev.sealer.functions;

import dev.sealer.CallerFaultException;
import dev.sealer.ErrorCode;
import dev.sealer.SafeIds;
import dev.sealer.SealerException;
import dev.sealer.StrictBase64;
import dev.sealer.functions.runtime.SealerConfig;
import dev.sealer.kms.KmsProviders;
import dev.sealer.secret.SealedSecretPayload;
import dev.sealer.secret.SecretSealer;
import dev.sealer.secret.cdh.CdhParity;
import dev.sealer.secret.cdh.CdhReason;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;

/**
 * The application side of {@code check}, shared by every entry point: whether each sealed string opens here and
 * whether it opens in a stock CDH ({@link CdhParity}), without a KMS call and without decrypting anything. It
 * checks what unseal checks before its first KMS call: the signature (always verified, as a stock CDH verifies,
 * even where {@code sealed-secret.verification.skip} is set), the payload, the provider, and an envelope's wrap
 * type, base64 fields and IV. Runs inside {@link FunctionCalls#run} after {@link FunctionAccess}, like every
 * function; each sealed string it reads is named in the audit line. At most {@code sealer.batch.max-items} sealed
 * strings per call.
 */
@ApplicationScoped
public class CheckService {

    /** Room in the answer for one verdict besides its kid. */
    private static final long VERDICT_CHARS = 1024;

    @Inject
    SecretSealer sealer;

    @Inject
    KmsProviders providers;

    @Inject
    FunctionCalls calls;

    @Inject
    FunctionAccess access;

    @Inject
    SealerConfig config;

    public CheckResponse check(CheckRequest request, Invocation invocation) {
        return calls.run(Operation.CHECK, invocation, call -> {
            access.require(Operation.CHECK, invocation);
            if (request == null || (request.sealed() == null) == (request.manifest() == null)) {
                throw new CallerFaultException(
                        ErrorCode.INVALID_REQUEST, "exactly one of 'sealed' and 'manifest' is required");
            }
            List<ManifestValues.Found> found = request.sealed() != null
                    ? List.of(new ManifestValues.Found(-1, null, null, request.sealed()))
                    : ManifestValues.of(request.manifest());
            if (found.size() > config.batch().maxItems()) {
                throw new CallerFaultException(
                        ErrorCode.INVALID_REQUEST,
                        "field 'manifest': holds more than " + config.batch().maxItems() + " sealed values");
            }
            long answer = 0;
            for (ManifestValues.Found one : found) {
                answer += VERDICT_CHARS + Math.min(one.sealed().length(), 2 * 1024);
            }
            invocation.memory().reserveAnswer(answer);
            List<CheckResponse.Verdict> verdicts = new ArrayList<>(found.size());
            for (ManifestValues.Found one : found) {
                call.read(one.sealed().strip());
                verdicts.add(judge(one));
            }
            return new CheckResponse(verdicts);
        });
    }

    private CheckResponse.Verdict judge(ManifestValues.Found found) {
        CdhParity.Verdict parity = CdhParity.judge(found.sealed());
        boolean legacy = parity.reasons().contains(CdhReason.LEGACY_UNSIGNED);
        String signature = null;
        String error = null;
        try {
            byte[] payloadJson = sealer.verifiedPayloadJson(found.sealed());
            signature = legacy ? "unsigned" : "valid";
            checkForm(SealedSecretPayload.parse(payloadJson));
        } catch (SealerException e) {
            error = e.errorCode().code();
            if (signature == null) {
                signature = signatureOf(e.errorCode());
            }
        }
        boolean valid = error == null;
        return new CheckResponse.Verdict(
                found.document() < 0 ? null : found.document(),
                found.secret(),
                found.key(),
                valid,
                error,
                parity.type(),
                parity.provider(),
                parity.clientType(),
                parity.kid(),
                parity.kidForm(),
                signature,
                parity.opensInStockCdh(valid, "invalid".equals(signature)),
                parity.ordered().stream().map(CdhReason::code).toList());
    }

    /** What unseal checks of a verified payload before its first KMS call. */
    private void checkForm(SealedSecretPayload payload) {
        providers.get(payload.provider());
        if (!SealedSecretPayload.TYPE_ENVELOPE.equals(payload.type())) {
            return;
        }
        int ivBytes = switch (payload.wrapType()) {
            case SealedSecretPayload.WRAP_A256GCM -> 12;
            case SealedSecretPayload.WRAP_A256CTR -> 16;
            default ->
                throw new CallerFaultException(
                        ErrorCode.UNSUPPORTED_WRAP_TYPE, "field 'wrap_type': must be A256GCM or A256CTR");
        };
        SafeIds.requireKeyId("key_id", payload.keyId());
        StrictBase64.decodeStandard("encrypted_key", payload.encryptedKey());
        StrictBase64.decodeStandard("encrypted_data", payload.encryptedData());
        if (StrictBase64.decodeStandard("iv", payload.iv()).length != ivBytes) {
            throw new CallerFaultException(ErrorCode.MALFORMED_SEALED_SECRET, "field 'iv': wrong length");
        }
    }

    /** The signature's state from the refusal that ended the reading before the payload; null: not reached. */
    private static String signatureOf(ErrorCode code) {
        return switch (code) {
            case SIGNATURE_INVALID -> "invalid";
            case SIGNATURE_REQUIRED -> "unsigned";
            case UNKNOWN_KID, VERIFICATION_KEY_UNAVAILABLE, NOT_CONFIGURED -> "key_unknown";
            default -> null;
        };
    }
}
