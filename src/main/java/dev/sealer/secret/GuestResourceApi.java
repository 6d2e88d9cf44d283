package dev.sealer.secret;

import dev.sealer.ErrorCode;
import dev.sealer.OutboundHttp;
import dev.sealer.ServiceFaultException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The Confidential Containers guest's resource API ({@code api-server-rest}, loopback only inside a
 * confidential pod): {@code GET <base>/<repo>/<type>/<tag>} answers the KBS resource's bytes, which
 * the CDH fetched after attestation. Only the {@code resource} plugin is reachable this way.
 *
 * <p>The API answers 200 with the bytes, and 500 for every failure, including a resource KBS does not
 * have: so only a 404 is read as an unknown kid; everything else is {@code verification_key_unavailable}.
 * One fetch is bounded as a whole by the timeout (connect, headers and body: an API that stops
 * mid-answer costs only that) and to 64 KiB.
 */
public final class GuestResourceApi implements KbsResources {

    private static final int MAX_RESOURCE_BYTES = 64 * 1024;

    private final URI base;
    private final Duration timeout;
    private final HttpClient http;

    public GuestResourceApi(URI base, Duration timeout) {
        String text = base.toString();
        this.base = URI.create(text.endsWith("/") ? text : text + "/");
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public byte[] fetch(Kid.ResourceUri uri) {
        if (!uri.plugin().equals("resource")) {
            throw KeyFolder.unknown(uri.value() + " (the guest's resource API serves only the 'resource' plugin)");
        }
        URI target = base.resolve(uri.resourcePath());
        // the timeout bounds the whole exchange, body included: a peer that stalls mid-answer costs only it
        CompletableFuture<HttpResponse<byte[]>> exchange = OutboundHttp.send(
                http,
                HttpRequest.newBuilder(target).timeout(timeout).GET().build(),
                OutboundHttp.atMost(MAX_RESOURCE_BYTES),
                timeout);
        HttpResponse<byte[]> response;
        try {
            response = exchange.get();
        } catch (CancellationException | ExecutionException e) {
            Throwable cause = OutboundHttp.cause(e);
            if (OutboundHttp.passedDeadline(e)) {
                throw unavailable(target, "no complete answer within " + timeout.toMillis() + " ms", null);
            }
            if (cause instanceof OutboundHttp.TooLarge) {
                throw unavailable(target, "the resource is larger than " + MAX_RESOURCE_BYTES + " bytes", null);
            }
            throw unavailable(target, cause.getClass().getSimpleName() + " " + cause.getMessage(), cause);
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            throw unavailable(target, "interrupted", e);
        }
        if (response.statusCode() == 404) {
            throw KeyFolder.unknown(uri.value());
        }
        if (response.statusCode() != 200) {
            throw unavailable(target, "HTTP " + response.statusCode(), null);
        }
        return response.body();
    }

    private static ServiceFaultException unavailable(URI target, String why, Throwable cause) {
        return new ServiceFaultException(
                ErrorCode.VERIFICATION_KEY_UNAVAILABLE,
                "the verification key named by the sealed secret's kid cannot be fetched from KBS",
                "GET " + target + ": " + why,
                cause);
    }
}
