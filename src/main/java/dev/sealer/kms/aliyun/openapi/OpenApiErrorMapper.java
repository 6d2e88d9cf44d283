package dev.sealer.kms.aliyun.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealer.kms.aliyun.KmsErrorResponse;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import org.eclipse.microprofile.rest.client.ext.ResponseExceptionMapper;

/**
 * Turns every non-2xx answer of the KMS OpenAPI into a {@link KmsErrorResponse} carrying the JSON
 * error's {@code Code}, {@code Message} and {@code RequestId}. A body that is not such JSON still
 * gives a clear answer, from the HTTP status alone ({@link KmsErrorResponse#NO_ERROR_BODY}).
 */
final class OpenApiErrorMapper implements ResponseExceptionMapper<KmsErrorResponse> {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ERROR_BODY = 64 * 1024;

    @Override
    public KmsErrorResponse toThrowable(Response response) {
        int status = response.getStatus();
        byte[] body = response.hasEntity() ? response.readEntity(byte[].class) : new byte[0];
        if (body.length > 0 && body.length <= MAX_ERROR_BODY) {
            try {
                JsonNode error = JSON.readTree(body);
                if (error != null && error.path("Code").isTextual()) {
                    return new KmsErrorResponse(status, error.path("Code").textValue(), error.path("Message").asText(""),
                            error.path("RequestId").asText(""));
                }
            } catch (IOException e) {
                // not JSON: answered below from the status alone
            }
        }
        return new KmsErrorResponse(status, null, null, response.getHeaderString("x-acs-request-id"));
    }

    @Override
    public boolean handles(int status, MultivaluedMap<String, Object> headers) {
        return status >= 300;
    }
}
