package dev.sealer.kms.aliyun.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealer.Json;
import dev.sealer.kms.aliyun.common.KmsErrorResponse;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.Locale;
import org.eclipse.microprofile.rest.client.ext.ResponseExceptionMapper;

/**
 * Turns every non-2xx answer of the KMS OpenAPI into a {@link KmsErrorResponse} carrying the JSON
 * error's {@code Code}, {@code Message} and {@code RequestId}. A body that is not such JSON still
 * gives a clear answer, from the HTTP status alone ({@link KmsErrorResponse#NO_ERROR_BODY}). The
 * message is {@linkplain #scrub scrubbed} of what may quote the credentials.
 */
final class OpenApiErrorMapper implements ResponseExceptionMapper<KmsErrorResponse> {

    private static final ObjectMapper JSON = Json.MAPPER;
    private static final int MAX_ERROR_BODY = 64 * 1024;

    @Override
    public KmsErrorResponse toThrowable(Response response) {
        int status = response.getStatus();
        byte[] body = response.hasEntity() ? response.readEntity(byte[].class) : new byte[0];
        if (body.length > 0 && body.length <= MAX_ERROR_BODY) {
            try {
                JsonNode error = JSON.readTree(body);
                if (error != null && error.path("Code").isTextual()) {
                    return new KmsErrorResponse(
                            status,
                            error.path("Code").textValue(),
                            scrub(error.path("Message").asText("")),
                            error.path("RequestId").asText(""));
                }
            } catch (IOException e) {
                // not JSON: answered below from the status alone
            }
        }
        return new KmsErrorResponse(status, null, null, response.getHeaderString("x-acs-request-id"));
    }

    /**
     * The message as it may be logged: Alibaba's gateway answers {@code SignatureDoesNotMatch} with
     * its "string to sign", which quotes every parameter, the SecurityToken included; that part is cut
     * off. At most 200 characters are kept.
     */
    static String scrub(String message) {
        int cut = message.toLowerCase(Locale.ROOT).indexOf("string to sign");
        String kept = cut < 0 ? message : message.substring(0, cut) + "string to sign withheld";
        return kept.length() > 200 ? kept.substring(0, 200) + "..." : kept;
    }

    @Override
    public boolean handles(int status, MultivaluedMap<String, Object> headers) {
        return status >= 300;
    }
}
