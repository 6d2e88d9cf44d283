package dev.sealer.functions;

import io.quarkus.funqy.Funq;
import jakarta.inject.Inject;

/**
 * The Funqy functions. Thin adapters: every binding (plain HTTP {@code POST /seal}, {@code /unseal},
 * {@code /reseal}, CloudEvents by type) lands here, and {@link SealerService} does the work.
 */
public class SealerFunctions {

    @Inject
    SealerService service;

    @Funq
    public SealResponse seal(SealRequest request) {
        return service.seal(request);
    }

    @Funq
    public UnsealResponse unseal(UnsealRequest request) {
        return service.unseal(request);
    }

    @Funq
    public SealResponse reseal(ResealRequest request) {
        return service.reseal(request);
    }
}
