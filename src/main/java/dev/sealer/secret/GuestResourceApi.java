package dev.sealer.secret;

import dev.sealer.ErrorCode;
import dev.sealer.ServiceFaultException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The Confidential Containers guest's resource API ({@code api-server-rest}, loopback only inside a
 * confidential pod): {@code GET <base>/<repo>/<type>/<tag>} answers the KBS resource's bytes, which
 * the CDH fetched after attestation. Only the {@code resource} plugin is reachable this way.
 *
 * <p>The API answers 200 with the bytes, and 500 for every failure, including a resource KBS does not
 * have: so only a 404 is read as an unknown kid; everything else is {@code verification_key_unavailable}.
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
        HttpResponse<InputStream> response;
        try {
            response = http.send(
                    HttpRequest.newBuilder(target).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw unavailable(target, e.getClass().getSimpleName() + " " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(target, "interrupted", e);
        }
        try (InputStream body = response.body()) {
            if (response.statusCode() == 404) {
                throw KeyFolder.unknown(uri.value());
            }
            if (response.statusCode() != 200) {
                throw unavailable(target, "HTTP " + response.statusCode(), null);
            }
            byte[] bytes = body.readNBytes(MAX_RESOURCE_BYTES + 1);
            if (bytes.length > MAX_RESOURCE_BYTES) {
                throw unavailable(target, "the resource is larger than " + MAX_RESOURCE_BYTES + " bytes", null);
            }
            return bytes;
        } catch (IOException e) {
            throw unavailable(target, "reading the answer failed: " + e.getMessage(), e);
        }
    }

    private static ServiceFaultException unavailable(URI target, String why, Throwable cause) {
        return new ServiceFaultException(
                ErrorCode.VERIFICATION_KEY_UNAVAILABLE,
                "the verification key named by the sealed secret's kid cannot be fetched from KBS",
                "GET " + target + ": " + why,
                cause);
    }
}
