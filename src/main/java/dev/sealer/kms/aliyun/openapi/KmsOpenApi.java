package dev.sealer.kms.aliyun.openapi;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import org.eclipse.microprofile.rest.client.annotation.ClientHeaderParam;

/**
 * Alibaba Cloud's KMS OpenAPI (RPC style, version {@code 2016-01-20}) as a typed MicroProfile REST
 * client: {@code POST /} with every parameter, {@code Signature} included, in an
 * {@code application/x-www-form-urlencoded} body (so that the SecurityToken never appears in a URL),
 * answered with JSON. Built programmatically per endpoint by {@link OpenApiClientFactory}, with
 * {@link OpenApiErrorMapper} registered. The parameters are signed by {@link GetSecretValueParameters}.
 */
@Path("/")
@Consumes(MediaType.APPLICATION_FORM_URLENCODED)
@Produces(MediaType.APPLICATION_JSON)
public interface KmsOpenApi extends AutoCloseable {

    @POST
    @ClientHeaderParam(name = "x-acs-action", value = GetSecretValueParameters.ACTION)
    @ClientHeaderParam(name = "x-acs-version", value = GetSecretValueParameters.VERSION)
    @ClientHeaderParam(name = "user-agent", value = OpenApiKmsClient.USER_AGENT)
    Uni<GetSecretValueAnswer> getSecretValue(MultivaluedMap<String, String> signedParameters);

    /** Closes the connection pool of this client. */
    @Override
    void close();
}
