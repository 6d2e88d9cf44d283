package dev.sealer.emulator;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/**
 * The framing of one request to the emulator's HTTPS port: a body announced larger than the real
 * service's 3 MB is refused with 413 (and the connection closed) before it is read, one that grows past
 * it closes the connection; a body read whole goes to its protocol ({@link ProtocolRouter}) and is
 * answered through {@link FaultInjection}. Runs on the event loop; all work here is short.
 */
final class EmulatorHandler implements Handler<HttpServerRequest> {

    /** Request bodies larger than this are refused with 413, like the real service (3 MB). */
    static final int MAX_BODY_BYTES = 3 * 1024 * 1024;

    private final ProtocolRouter router;
    private final FaultInjection faults;

    EmulatorHandler(ProtocolRouter router, FaultInjection faults) {
        this.router = router;
        this.faults = faults;
    }

    @Override
    public void handle(HttpServerRequest request) {
        String contentLength = request.getHeader("content-length");
        if (contentLength != null && parseLength(contentLength) > MAX_BODY_BYTES) {
            faults.answerUncounted(
                    request,
                    InstanceApi.refuse(
                            new Refusal(413, "RequestEntityTooLarge", "The request body exceeds 3 MB"), true));
            return;
        }
        Buffer body = Buffer.buffer();
        request.handler(chunk -> {
            if (body.length() + chunk.length() > MAX_BODY_BYTES) {
                request.connection().close();
                return;
            }
            body.appendBuffer(chunk);
        });
        request.endHandler(end -> faults.answer(request, router.route(request, body.getBytes())));
    }

    private static long parseLength(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }
}
