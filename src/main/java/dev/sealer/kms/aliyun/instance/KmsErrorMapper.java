package dev.sealer.kms.aliyun.instance;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.sealer.kms.aliyun.common.KmsErrorResponse;
import dev.sealer.kms.aliyun.instance.proto.Error;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.ext.ResponseExceptionMapper;

/**
 * Turns every non-2xx answer into a {@link KmsErrorResponse} carrying the protobuf {@code Error}'s
 * code, message and request id. A body that is not a protobuf {@code Error} still gives a clear
 * answer, with the HTTP status, the request id header and {@link KmsErrorResponse#NO_ERROR_BODY}.
 */
final class KmsErrorMapper implements ResponseExceptionMapper<KmsErrorResponse> {

    @Override
    public KmsErrorResponse toThrowable(Response response) {
        int status = response.getStatus();
        byte[] body = response.hasEntity() ? response.readEntity(byte[].class) : new byte[0];
        try {
            Error error = ProtobufProvider.parse(Error.class, body);
            if (!error.getErrorCode().isEmpty()) {
                return new KmsErrorResponse(
                        status, error.getErrorCode(), error.getErrorMessage(), error.getRequestId());
            }
        } catch (InvalidProtocolBufferException e) {
            // not protobuf: answered below from the status alone
        }
        return new KmsErrorResponse(status, null, null, response.getHeaderString("x-kms-requestid"));
    }

    @Override
    public boolean handles(int status, MultivaluedMap<String, Object> headers) {
        return status >= 300;
    }
}
