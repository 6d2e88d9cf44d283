package dev.sealer.functions;

import io.quarkus.funqy.Context;
import io.quarkus.funqy.Funq;
import io.quarkus.funqy.knative.events.CloudEvent;
import jakarta.inject.Inject;

/**
 * The Funqy functions. Thin adapters: every binding (plain HTTP {@code POST /seal}, {@code /unseal},
 * {@code /reseal}, CloudEvents by type) lands here, and {@link SealerService} does the work. An unseal
 * that arrives as a CloudEvent (Funqy passes the event; it is null over plain HTTP) is answered without
 * plaintext, or refused ({@link EventAnswers}).
 */
public class SealerFunctions {

    @Inject
    SealerService service;

    @Funq
    public SealResponse seal(SealRequest request) {
        return service.seal(request);
    }

    @Funq
    public UnsealResponse unseal(UnsealRequest request, @Context CloudEvent<?> event) {
        return event == null ? service.unseal(request) : service.unsealForEvent(request, event.id());
    }

    @Funq
    public SealResponse reseal(ResealRequest request) {
        return service.reseal(request);
    }
}
