package dev.sealer.kms.aliyun;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.sealer.kms.KmsServiceException;
import dev.sealer.kms.aliyun.proto.Error;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.ext.ResponseExceptionMapper;

/**
 * Turns every non-2xx answer into a {@link KmsServiceException} carrying the protobuf
 * {@code Error}'s code, message and request id. A body that is not a protobuf {@code Error} still
 * gives a clear exception, with the HTTP status and the code {@code "(no protobuf Error body)"}.
 */
final class KmsErrorMapper implements ResponseExceptionMapper<KmsServiceException> {

    static final String NO_ERROR_BODY = "(no protobuf Error body)";

    @Override
    public KmsServiceException toThrowable(Response response) {
        int status = response.getStatus();
        byte[] body = response.hasEntity() ? response.readEntity(byte[].class) : new byte[0];
        try {
            Error error = ProtobufProvider.parse(Error.class, body);
            if (!error.getErrorCode().isEmpty()) {
                return new KmsServiceException(status, error.getErrorCode(), error.getErrorMessage(), error.getRequestId());
            }
        } catch (InvalidProtocolBufferException e) {
            // fall through: not protobuf
        }
        String requestId = response.getHeaderString("x-kms-requestid");
        return new KmsServiceException(status, NO_ERROR_BODY, "", requestId == null ? "" : requestId);
    }

    @Override
    public boolean handles(int status, jakarta.ws.rs.core.MultivaluedMap<String, Object> headers) {
        return status >= 300;
    }
}
