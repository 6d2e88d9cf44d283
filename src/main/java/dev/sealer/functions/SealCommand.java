package dev.sealer.functions;

import dev.sealer.CallerFaultException;
import dev.sealer.ErrorCode;
import dev.sealer.Texts;
import dev.sealer.functions.runtime.SealerConfig;
import dev.sealer.secret.SecretLimits;
import java.util.Map;

/**
 * What a {@link SealRequest} asks for, its shape checked in one place ({@link #of}): one envelope secret
 * ({@link Single}), a vault pointer ({@link Vault}) or a batch of envelope secrets ({@link Batch}), each with
 * only the fields that belong to it. The secrets themselves are still as the request holds them (base64 or
 * text): they are size-checked and decoded by {@link SecretInput} just before they are sealed. Secret: the
 * plaintexts; the rest is public.
 */
sealed interface SealCommand {

    /** One envelope secret: exactly one of {@code plaintext} and {@code text}, checked when decoded. */
    record Single(String provider, String keyId, Map<String, String> settings, SecretInput secret)
            implements SealCommand {}

    /** A pointer to a secret stored in the KMS. */
    record Vault(String provider, String name, Map<String, String> settings, Map<String, String> annotations)
            implements SealCommand {}

    /**
     * Envelope secrets sealed all or nothing with the same settings, answered as a map (and, with
     * {@code metadata}, as a Kubernetes Secret).
     *
     * @param secrets by name (a Kubernetes Secret data key), in the request's order
     * @param answerChars what the answer will hold at most, reserved before anything is decoded
     */
    record Batch(
            String provider,
            String keyId,
            Map<String, String> settings,
            Map<String, SecretInput> secrets,
            boolean manifest,
            SealRequest.ManifestMetadata metadata,
            long answerChars)
            implements SealCommand {}

    /**
     * Checks which fields stand together, and a batch's bounds, before anything is decoded.
     *
     * @param defaultProvider the provider when the request names none (null: none, refused when sealing)
     */
    static SealCommand of(SealRequest request, String defaultProvider, SealerConfig.Batch bounds) {
        if (request == null) {
            throw invalid("the request body must be a JSON object with 'plaintext' or 'text'");
        }
        if (request.jwe() != null) {
            throw invalid("field 'jwe' is read only by the tee profile with sealer.tee.seal enabled");
        }
        String provider = request.provider() != null ? request.provider() : defaultProvider;
        Map<String, String> settings = request.providerSettings() == null ? Map.of() : request.providerSettings();
        String type = request.type() == null ? "envelope" : request.type();
        if (request.secrets() != null) {
            return batch(request, provider, settings, type, bounds);
        }
        if (request.output() != null || request.metadata() != null) {
            throw invalid("fields 'output' and 'metadata' are only for a batch ('secrets')");
        }
        return switch (type) {
            case "envelope" -> {
                if (request.name() != null || request.annotations() != null) {
                    throw invalid("fields 'name' and 'annotations' are only for type 'vault'");
                }
                yield new Single(
                        provider,
                        request.keyId(),
                        settings,
                        new SecretInput(null, request.plaintext(), request.text()));
            }
            case "vault" -> {
                if (request.plaintext() != null || request.text() != null || request.keyId() != null) {
                    throw invalid(
                            "fields 'plaintext', 'text' and 'key_id' are not for type 'vault' (it only names a KMS secret)");
                }
                yield new Vault(
                        provider,
                        request.name(),
                        settings,
                        request.annotations() == null ? Map.of() : request.annotations());
            }
            default -> throw invalid("field 'type': must be 'envelope' or 'vault'");
        };
    }

    private static Batch batch(
            SealRequest request,
            String provider,
            Map<String, String> settings,
            String type,
            SealerConfig.Batch bounds) {
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
        if (request.secrets().isEmpty() || request.secrets().size() > bounds.maxItems()) {
            throw invalid("field 'secrets': must hold 1 to " + bounds.maxItems() + " secrets");
        }
        Map<String, SecretInput> secrets = new java.util.LinkedHashMap<>();
        long total = 0;
        long answer = 0;
        for (Map.Entry<String, SealRequest.SecretItem> item : request.secrets().entrySet()) {
            if (!SecretManifest.isDataKey(item.getKey())) {
                throw invalid(
                        "field 'secrets': a key must be 1-253 letters, digits, '-', '_' or '.', and not '.', '..' "
                                + "or start with '..' (a Kubernetes Secret data key)");
            }
            SealRequest.SecretItem secret = item.getValue();
            if (secret == null) {
                throw invalid("field 'secrets." + item.getKey() + "': must be an object with 'plaintext' or 'text'");
            }
            // bytes, as the limit says: UTF-8 bytes of a text, decoded bytes of base64
            long bytes = secret.text() != null
                    ? Texts.utf8Length(secret.text())
                    : secret.plaintext() != null ? secret.plaintext().length() * 3L / 4 : 0;
            total += bytes;
            answer += SecretLimits.sealedChars(bytes) + item.getKey().length() + 16;
            secrets.put(item.getKey(), new SecretInput(item.getKey(), secret.plaintext(), secret.text()));
        }
        if (total > bounds.maxTotalBytes().asLongValue()) {
            throw new CallerFaultException(
                    ErrorCode.PAYLOAD_TOO_LARGE,
                    "field 'secrets': the secrets exceed the batch limit of "
                            + bounds.maxTotalBytes().asLongValue() + " bytes");
        }
        // the answer holds every sealed secret once, and with a manifest three times (map, JSON, YAML)
        return new Batch(
                provider,
                request.keyId(),
                settings,
                secrets,
                manifest,
                request.metadata(),
                manifest ? 3 * answer + 4096 : answer);
    }

    static CallerFaultException invalid(String message) {
        return new CallerFaultException(ErrorCode.INVALID_REQUEST, message);
    }
}
