package dev.sealer.emulator;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;

/**
 * The emulator's faults applied to a request, the same way for every protocol: it is counted, then
 * served, throttled, failed or dropped as {@link EmulatorFaults} decides, and answered after the
 * configured latency. Runs on the event loop.
 */
final class FaultInjection {

    private final Vertx vertx;
    private final EmulatorFaults faults;

    FaultInjection(Vertx vertx, EmulatorFaults faults) {
        this.vertx = vertx;
        this.faults = faults;
    }

    /**
     * Counts the call and decides what it gets; after the latency, answers it (or closes the connection).
     * The answer is built then, so that the protocol's checks see the clock of the answer.
     */
    void answer(HttpServerRequest request, EmulatedCall call) {
        EmulatorFaults.Action action = faults.next(call.countedName());
        later(() -> {
            switch (action) {
                case DROP -> request.connection().close();
                case THROTTLE -> call.refuse(call.throttled()).write(request);
                case FAIL -> call.refuse(call.unavailable()).write(request);
                case SERVE -> call.serve().write(request);
            }
        });
    }

    /** Writes an answer after the latency, uncounted and unfaulted (a request refused before it is read). */
    void answerUncounted(HttpServerRequest request, EmulatedCall.Reply reply) {
        later(() -> reply.write(request));
    }

    private void later(Runnable action) {
        long millis = faults.latency().toMillis();
        if (millis <= 0) {
            action.run();
        } else {
            vertx.setTimer(millis, id -> action.run());
        }
    }
}
