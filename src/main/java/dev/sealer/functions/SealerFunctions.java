package dev.sealer.functions;

import io.quarkus.funqy.Context;
import io.quarkus.funqy.Funq;
import io.quarkus.funqy.knative.events.CloudEvent;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;

/**
 * The Funqy functions. Thin adapters: every binding (plain HTTP {@code POST /seal}, {@code /unseal},
 * {@code /reseal}, {@code /check}, CloudEvents by type) lands here, says by which entry point and from whom it
 * came ({@link Invocation}: Funqy passes the event, null over plain HTTP), and {@link SealerService} (for check
 * {@link CheckService}) does the work:
 * an unseal that arrives as a CloudEvent is answered without plaintext, or refused ({@link EventAnswers}).
 */
public class SealerFunctions {

    @Inject
    SealerService service;

    @Inject
    CheckService checks;

    /** The HTTP request Funqy is serving (it sets it before calling a function). */
    @Inject
    CurrentVertxRequest request;

    @Funq
    public SealResponse seal(SealRequest request, @Context CloudEvent<?> event) {
        return service.seal(request, invocation(event));
    }

    @Funq
    public UnsealResponse unseal(UnsealRequest request, @Context CloudEvent<?> event) {
        return service.unseal(request, invocation(event));
    }

    @Funq
    public SealResponse reseal(ResealRequest request, @Context CloudEvent<?> event) {
        return service.reseal(request, invocation(event));
    }

    @Funq
    public CheckResponse check(CheckRequest request, @Context CloudEvent<?> event) {
        return checks.check(request, invocation(event));
    }

    /**
     * Funqy passes the event when a CloudEvent brought the call, and null over plain HTTP; the request
     * carries who called, with what its credentials allow.
     */
    private Invocation invocation(CloudEvent<?> event) {
        RoutingContext context = request.getCurrent();
        return event == null ? Invocation.http(context) : Invocation.cloudEvent(context, event);
    }
}
