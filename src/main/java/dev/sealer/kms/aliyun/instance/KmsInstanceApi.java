package dev.sealer.kms.aliyun.instance;

import dev.sealer.kms.aliyun.instance.proto.DecryptRequest;
import dev.sealer.kms.aliyun.instance.proto.DecryptResponse;
import dev.sealer.kms.aliyun.instance.proto.EncryptRequest;
import dev.sealer.kms.aliyun.instance.proto.EncryptResponse;
import dev.sealer.kms.aliyun.instance.proto.GetSecretValueRequest;
import dev.sealer.kms.aliyun.instance.proto.GetSecretValueResponse;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import org.eclipse.microprofile.rest.client.annotation.ClientHeaderParam;

/**
 * The KMS-instance API {@code dkms-gcs-0.2} as a typed MicroProfile REST client: every operation is
 * a POST of a protobuf message to {@code /}, selected by the {@code x-kms-apiname} header. Built
 * programmatically per (instance, client key) by {@link KmsInstanceClientFactory}, with
 * {@link SigningFilter}, {@link ProtobufProvider} and {@link KmsErrorMapper} registered.
 */
@Path("/")
@Consumes(RequestSigner.CONTENT_TYPE)
@Produces(RequestSigner.CONTENT_TYPE)
public interface KmsInstanceApi extends AutoCloseable {

    @POST
    @ClientHeaderParam(name = RequestSigner.HEADER_API_NAME, value = "Encrypt")
    Uni<EncryptResponse> encrypt(EncryptRequest request);

    @POST
    @ClientHeaderParam(name = RequestSigner.HEADER_API_NAME, value = "Decrypt")
    Uni<DecryptResponse> decrypt(DecryptRequest request);

    @POST
    @ClientHeaderParam(name = RequestSigner.HEADER_API_NAME, value = "GetSecretValue")
    Uni<GetSecretValueResponse> getSecretValue(GetSecretValueRequest request);

    /** Closes the connection pool of this client. */
    @Override
    void close();
}
