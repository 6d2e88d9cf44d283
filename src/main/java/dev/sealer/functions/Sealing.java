package dev.sealer.functions;

import dev.sealer.CallerFaultException;
import dev.sealer.functions.runtime.SealerConfig;
import dev.sealer.kms.KmsProviders;
import dev.sealer.secret.SecretLimits;
import dev.sealer.secret.SecretSealer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs a seal request, once its caller may: reads it into a {@link SealCommand} (its shape checked in one place),
 * reserves the memory its answer will hold ({@link InFlightMemory}), decodes the secrets and hands them to the
 * {@link SecretSealer}. Plaintext buffers are wiped once sealed. A batch is all or nothing: every item is checked
 * and decoded before the first KMS call, the first bad item fails the call naming its key (never its value), and
 * nothing sealed so far is returned.
 */
@ApplicationScoped
class Sealing {

    @Inject
    SecretSealer sealer;

    @Inject
    KmsProviders providers;

    @Inject
    SealerConfig config;

    SealResponse seal(SealRequest request, InFlightMemory.Reservation memory) {
        SealCommand command = SealCommand.of(request, defaultProvider(), config.batch());
        if (command instanceof SealCommand.Single single) {
            return SealResponse.single(sealSingle(single, memory));
        }
        if (command instanceof SealCommand.Vault vault) {
            return SealResponse.single(
                    sealer.sealVault(vault.provider(), vault.name(), vault.settings(), vault.annotations()));
        }
        return sealBatch((SealCommand.Batch) command, memory);
    }

    private String sealSingle(SealCommand.Single single, InFlightMemory.Reservation memory) {
        byte[] secret = single.secret().bytes(sealer.limits());
        try {
            memory.reserveAnswer(SecretLimits.sealedChars(secret.length));
            return sealer.sealEnvelope(secret, single.provider(), single.keyId(), single.settings());
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    private SealResponse sealBatch(SealCommand.Batch batch, InFlightMemory.Reservation memory) {
        // reserved before anything is decoded or sealed
        memory.reserveAnswer(batch.answerChars());
        Map<String, byte[]> secrets = new TreeMap<>();
        Map<String, String> sealed = new TreeMap<>();
        try {
            batch.secrets().forEach((key, input) -> secrets.put(key, input.bytes(sealer.limits())));
            for (Map.Entry<String, byte[]> secret : secrets.entrySet()) {
                try {
                    sealed.put(
                            secret.getKey(),
                            sealer.sealEnvelope(secret.getValue(), batch.provider(), batch.keyId(), batch.settings()));
                } catch (CallerFaultException e) {
                    throw new CallerFaultException(
                            e.errorCode(), "secret '" + secret.getKey() + "': " + e.getMessage(), e.detail(), e);
                }
            }
        } finally {
            secrets.values().forEach(bytes -> Arrays.fill(bytes, (byte) 0));
        }
        return SealResponse.batch(sealed, batch.manifest() ? SecretManifest.of(batch.metadata(), sealed) : null);
    }

    private String defaultProvider() {
        return config.defaultProvider()
                .orElseGet(() -> providers.all().size() == 1
                        ? providers.all().iterator().next().name()
                        : null);
    }
}
