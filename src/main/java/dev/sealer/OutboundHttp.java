package dev.sealer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * Fetches from peers this service does not control (the guest's resource API, an issuer's JWKS URL)
 * with the JDK's HTTP client, bounded in time and size: a peer that stalls before, during or after its
 * headers, or sends more than expected, costs at most the deadline and the bound. The JDK client's own
 * request timeout ends at the response headers; a body that stops after one byte would otherwise hold
 * the exchange, its thread or its future, for good.
 */
public final class OutboundHttp {

    /** The answer was longer than the bound (it is not read further). */
    public static final class TooLarge extends IOException {
        TooLarge(int maxBytes) {
            super("the answer is larger than " + maxBytes + " bytes", null);
        }
    }

    private OutboundHttp() {}

    /**
     * Sends a request whose whole exchange (connect, headers, body) must end by {@code deadline}: then the
     * returned future is cancelled ({@link #passedDeadline} tells it from other failures),
     * which also asks the JDK client to abort the exchange and close its connection (its futures are
     * cancelable: {@code HttpClient.sendAsync}'s contract since JDK 16).
     */
    public static <T> CompletableFuture<HttpResponse<T>> send(
            HttpClient client, HttpRequest request, HttpResponse.BodyHandler<T> body, Duration deadline) {
        CompletableFuture<HttpResponse<T>> exchange = client.sendAsync(request, body);
        // run on the JDK's delay thread itself: the cancellation does not wait for a free pool thread
        CompletableFuture.delayedExecutor(Math.max(1, deadline.toMillis()), TimeUnit.MILLISECONDS, Runnable::run)
                .execute(() -> exchange.cancel(true));
        return exchange;
    }

    /**
     * True when a fetch's failure is its deadline: the cancellation, however the future reports it (the
     * JDK client's cancelable futures complete with it as the cause).
     */
    public static boolean passedDeadline(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CancellationException) {
                return true;
            }
        }
        return false;
    }

    /** The failure under the future's wrappers ({@code ExecutionException}, {@code CompletionException}). */
    public static Throwable cause(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** A body of at most {@code maxBytes}: beyond it the body is not read further and fails with {@link TooLarge}. */
    public static HttpResponse.BodyHandler<byte[]> atMost(int maxBytes) {
        return info -> new Bounded(maxBytes);
    }

    private static final class Bounded implements HttpResponse.BodySubscriber<byte[]> {
        private final int maxBytes;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        private Flow.Subscription subscription;

        Bounded(int maxBytes) {
            this.maxBytes = maxBytes;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            if (body.isDone()) {
                return;
            }
            for (ByteBuffer buffer : buffers) {
                if (bytes.size() + (long) buffer.remaining() > maxBytes) {
                    subscription.cancel();
                    body.completeExceptionally(new TooLarge(maxBytes));
                    return;
                }
                byte[] chunk = new byte[buffer.remaining()];
                buffer.get(chunk);
                bytes.write(chunk, 0, chunk.length);
            }
        }

        @Override
        public void onError(Throwable failure) {
            body.completeExceptionally(failure);
        }

        @Override
        public void onComplete() {
            body.complete(bytes.toByteArray());
        }
    }
}
