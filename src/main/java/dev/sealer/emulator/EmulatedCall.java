package dev.sealer.emulator;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/**
 * One request read whole, in one of the protocols the emulator speaks (the KMS-instance API, the KMS
 * OpenAPI, the metadata service): the name it is counted under, its answer, and how that protocol
 * words a refusal. {@link FaultInjection} decides which of these a request gets.
 */
interface EmulatedCall {

    /** The API name the request is counted (and faulted) under; {@code other} for names not served. */
    String countedName();

    /** The protocol's checks and the operation. */
    Reply serve();

    /** A refusal in this protocol's form. */
    Reply refuse(Refusal refusal);

    /** What a throttled request gets (the real services' wording). */
    default Refusal throttled() {
        return new Refusal(429, "Rejected.Throttling", "Request was denied due to request throttling");
    }

    /** What a failed request gets. */
    default Refusal unavailable() {
        return new Refusal(503, "ServiceUnavailableTemporary", "The service is temporarily unavailable");
    }

    /**
     * An answer ready to write: status, content type and request-id header (either may be null for none),
     * body, and whether the connection closes after it.
     */
    record Reply(int status, String contentType, String requestIdHeader, String requestId, byte[] body, boolean close) {

        Reply(int status, String contentType, String requestIdHeader, String requestId, byte[] body) {
            this(status, contentType, requestIdHeader, requestId, body, false);
        }

        void write(HttpServerRequest request) {
            var response = request.response().setStatusCode(status);
            if (contentType != null) {
                response.putHeader("content-type", contentType);
            }
            if (requestIdHeader != null) {
                response.putHeader(requestIdHeader, requestId);
            }
            if (close) {
                response.putHeader("connection", "close");
            }
            response.end(Buffer.buffer(body));
        }
    }
}
