package dev.sealer.kms.aliyun.instance;

import com.google.protobuf.Message;
import dev.sealer.credentials.ClientKey;
import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;
import java.time.Clock;
import java.util.Map;

/**
 * Adds the authentication headers of the KMS-instance API to every request: content hash, date, api version,
 * signature method, access key id and the {@code Bearer} signature. The api name comes from the
 * {@code x-kms-apiname} header each method of {@link KmsInstanceApi} declares.
 *
 * <p>The body is hashed as {@code message.toByteArray()}; {@link ProtobufProvider} writes the same
 * bytes (protobuf serialization is deterministic for messages without maps or unknown fields, which
 * is all this API has).
 */
final class SigningFilter implements ClientRequestFilter {

    private final ClientKey clientKey;
    /** The client key's private key as the signing provider's own key object, translated once per provider. */
    private final ProviderKey signingKey;

    private final Clock clock;

    SigningFilter(ClientKey clientKey, Clock clock) {
        this.clientKey = clientKey;
        this.signingKey = new ProviderKey(clientKey.privateKey());
        this.clock = clock;
    }

    @Override
    public void filter(ClientRequestContext request) {
        if (!(request.getEntity() instanceof Message message)) {
            throw new IllegalStateException("KMS requests carry a protobuf message");
        }
        String apiName = request.getHeaderString(RequestSigner.HEADER_API_NAME);
        Map<String, String> headers =
                RequestSigner.headers(apiName, clientKey.id(), message.toByteArray(), clock.instant(), signingKey);
        headers.forEach((name, value) -> request.getHeaders().putSingle(name, value));
    }
}
