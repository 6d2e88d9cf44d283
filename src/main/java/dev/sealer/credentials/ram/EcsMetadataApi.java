package dev.sealer.credentials.ram;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

/**
 * The RAM part of the ECS instance metadata service ({@code http://100.100.100.200}), as a typed REST
 * client: the STS credentials of the RAM role attached to the instance. Plain HTTP on a link-local
 * address, no authentication (like the CDH, which sends no IMDSv2 token). Answers are returned as
 * they are (no exception mapping): {@link InstanceMetadataCredentials} judges them.
 */
@Path("/latest/meta-data/ram/security-credentials")
public interface EcsMetadataApi extends AutoCloseable {

    /** JSON {@code {"AccessKeyId", "AccessKeySecret", "SecurityToken", "Expiration", "Code", ...}}; 404 for an unknown role. */
    @GET
    @Path("/{role}")
    Uni<Response> credentials(@PathParam("role") String roleName);

    @Override
    void close();
}
