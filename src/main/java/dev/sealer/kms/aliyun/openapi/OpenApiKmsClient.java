package dev.sealer.kms.aliyun.openapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.sealer.ErrorCode;
import dev.sealer.credentials.ram.RamCredentialSource;
import dev.sealer.credentials.ram.RamCredentials;
import dev.sealer.kms.KmsCallObserver;
import dev.sealer.kms.KmsFailureException;
import dev.sealer.kms.RetryLoop;
import dev.sealer.kms.SecretGetter;
import dev.sealer.kms.aliyun.common.AliyunKmsAnswers;
import dev.sealer.kms.aliyun.common.AliyunVault;
import dev.sealer.kms.aliyun.common.KmsCalls;
import dev.sealer.kms.aliyun.common.KmsTransportFailures;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;

/**
 * One region of the KMS OpenAPI reached with RAM credentials (client types {@code ecs_ram_role} and
 * {@code sts_token}), behind the provider-neutral {@link SecretGetter} interface. Mirrors the CDH: such
 * clients only read vault secrets ({@code GetSecretValue}), so they have no envelope part at all (the provider
 * refuses an envelope for their client type, with {@code unsupported_client_type}, before any credential is
 * touched).
 *
 * <p>Each call takes the credentials of its source, signs a fresh request per attempt (new timestamp
 * and nonce) and runs in a {@link RetryLoop} by {@link KmsCalls} (throttling, 5xx answers and connection failures are
 * retried; the whole call is bounded in time); error answers are judged by {@link AliyunKmsAnswers}.
 * Secret: the credentials and {@code SecretData}; neither is logged or put into a message.
 */
public final class OpenApiKmsClient implements SecretGetter {

    public static final String USER_AGENT = "aliyun-kms-sealer/0.1 (kms-openapi-2016-01-20)";
    private static final String API = "GetSecretValue";
    private static final SecureRandom NONCES = new SecureRandom();

    private final KmsOpenApi api;
    private final URI endpoint;
    private final String regionId;
    private final RamCredentialSource credentials;
    private final KmsCalls calls;
    private final Clock clock;

    /**
     * @param api the REST client of {@code endpoint}, shared by every client of that endpoint (not closed here)
     * @param clock dates the requests (the KMS refuses a timestamp far from its own clock)
     */
    public OpenApiKmsClient(
            KmsOpenApi api,
            URI endpoint,
            String regionId,
            RamCredentialSource credentials,
            RetryLoop retries,
            KmsCallObserver observer,
            Clock clock) {
        this.api = api;
        this.endpoint = endpoint;
        this.regionId = regionId;
        this.credentials = credentials;
        this.calls = new KmsCalls(endpoint, retries, observer, OpenApiKmsClient::isBadAnswer, "JSON answer");
        this.clock = clock;
    }

    @Override
    public byte[] getSecret(String name, Map<String, String> annotations) {
        AliyunVault.Reference reference = AliyunVault.reference(name, annotations);
        return calls.call(
                API,
                () -> {
                    RamCredentials current = credentials.credentials();
                    return () -> api.getSecretValue(form(
                            GetSecretValueParameters.signed(current, regionId, reference, clock.instant(), nonce())));
                },
                answer -> {
                    if (answer.secretData() == null) {
                        throw new KmsFailureException(
                                ErrorCode.KMS_BAD_RESPONSE,
                                "the KMS answered GetSecretValue without SecretData",
                                null,
                                answer.requestId(),
                                "KMS OpenAPI at " + endpoint,
                                null);
                    }
                    return answer.secretData().getBytes(StandardCharsets.UTF_8);
                });
    }

    public URI endpoint() {
        return endpoint;
    }

    public String regionId() {
        return regionId;
    }

    static boolean isRetryable(RuntimeException failure) {
        return KmsTransportFailures.isRetryable(failure, OpenApiKmsClient::isBadAnswer);
    }

    private static boolean isBadAnswer(Throwable cause) {
        return cause instanceof JsonProcessingException;
    }

    private static MultivaluedMap<String, String> form(Map<String, String> parameters) {
        MultivaluedMap<String, String> form = new MultivaluedHashMap<>();
        parameters.forEach(form::putSingle);
        return form;
    }

    /** 32 upper-case hex characters of randomness, like the CDH's nonce. */
    private static String nonce() {
        byte[] random = new byte[16];
        NONCES.nextBytes(random);
        return HexFormat.of().withUpperCase().formatHex(random);
    }
}
