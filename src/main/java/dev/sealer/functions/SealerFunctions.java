package dev.sealer.functions;

import io.quarkus.funqy.Funq;
import jakarta.inject.Inject;

/**
 * The two Funqy functions. Thin adapters: every binding (plain HTTP {@code POST /seal} and
 * {@code /unseal}, CloudEvents by type) lands here, and {@link SealerService} does the work.
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
}
