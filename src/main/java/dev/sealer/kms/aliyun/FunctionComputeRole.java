package dev.sealer.kms.aliyun;

import dev.sealer.ErrorCode;
import dev.sealer.ServiceFaultException;
import dev.sealer.credentials.ram.RamCredentialSource;
import dev.sealer.credentials.ram.RamCredentials;
import dev.sealer.kms.AuthenticatedInvocation;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * The RAM credentials Function Compute 3.0 gives a function that has a role, used by the
 * {@code ecs_ram_role} client type when {@code aliyun.kms.role-credentials.source=function-compute}
 * (the {@code fc} profile): a sealed secret keeps the CDH's client type, and here it is opened with
 * the function's role instead of an ECS instance's.
 *
 * <p>FC hands a custom container the role's STS credentials in two ways: in the headers of every
 * request ({@code x-fc-access-key-id}, {@code x-fc-access-key-secret}, {@code x-fc-security-token}),
 * fresh for each invocation, and in the environment at start ({@code ALIBABA_CLOUD_ACCESS_KEY_ID},
 * {@code ALIBABA_CLOUD_ACCESS_KEY_SECRET}, {@code ALIBABA_CLOUD_SECURITY_TOKEN}, valid 36 hours). The
 * newest headers seen win (every request of the function carries the same role), the environment
 * is the fall-back. Headers are read only in this mode (FC does not let clients send {@code x-fc-*}
 * headers, other hosts do), and only from invocations this service authenticated and runs
 * ({@link AuthenticatedInvocation}, fired by {@code /invoke} once its caller, function and body passed):
 * never from health checks, {@code /initialize} or a refused request, so nobody can make later calls sign
 * with a role of their choosing. The credentials are secret; nothing here logs them.
 */
@ApplicationScoped
public class FunctionComputeRole implements RamCredentialSource {

    public static final String HEADER_ACCESS_KEY_ID = "x-fc-access-key-id";
    public static final String HEADER_ACCESS_KEY_SECRET = "x-fc-access-key-secret";
    public static final String HEADER_SECURITY_TOKEN = "x-fc-security-token";
    public static final String ENV_ACCESS_KEY_ID = "ALIBABA_CLOUD_ACCESS_KEY_ID";
    public static final String ENV_ACCESS_KEY_SECRET = "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
    public static final String ENV_SECURITY_TOKEN = "ALIBABA_CLOUD_SECURITY_TOKEN";
    /** The function's region, set by FC. */
    public static final String ENV_REGION = "FC_REGION";

    @Inject
    AliyunKmsConfig config;

    private final AtomicReference<RamCredentials> fromHeaders = new AtomicReference<>();
    private UnaryOperator<String> environment = System::getenv;

    /** Tests: the environment to read instead of the process's. */
    void environment(UnaryOperator<String> environment) {
        this.environment = environment;
    }

    public boolean enabled() {
        return config.roleCredentials().source() == AliyunKmsConfig.RoleCredentials.Source.FUNCTION_COMPUTE;
    }

    void onInvocation(@Observes AuthenticatedInvocation invocation) {
        if (enabled()) {
            capture(invocation.header());
        }
    }

    private void capture(UnaryOperator<String> header) {
        String id = header.apply(HEADER_ACCESS_KEY_ID);
        String secret = header.apply(HEADER_ACCESS_KEY_SECRET);
        String token = header.apply(HEADER_SECURITY_TOKEN);
        if (usable(id) && usable(secret) && usable(token)) {
            RamCredentials current = fromHeaders.get();
            if (current == null
                    || !current.accessKeyId().equals(id)
                    || !current.accessKeySecret().equals(secret)
                    || !current.securityToken().equals(token)) {
                fromHeaders.set(new RamCredentials(id, secret, token, null));
            }
        }
    }

    @Override
    public RamCredentials credentials() {
        RamCredentials headers = fromHeaders.get();
        if (headers != null) {
            return headers;
        }
        String id = environment.apply(ENV_ACCESS_KEY_ID);
        String secret = environment.apply(ENV_ACCESS_KEY_SECRET);
        if (usable(id) && usable(secret)) {
            String token = environment.apply(ENV_SECURITY_TOKEN);
            return new RamCredentials(id, secret, token, null);
        }
        throw new ServiceFaultException(
                ErrorCode.NOT_CONFIGURED,
                "Function Compute gave this function no role credentials "
                        + "(configure a role for the function); the ecs_ram_role client type needs them");
    }

    /** FC's region of the function, when FC set it. */
    public Optional<String> region() {
        return Optional.ofNullable(environment.apply(ENV_REGION)).filter(region -> !region.isBlank());
    }

    private static boolean usable(String value) {
        return value != null && !value.isEmpty() && value.length() <= 8192;
    }
}
