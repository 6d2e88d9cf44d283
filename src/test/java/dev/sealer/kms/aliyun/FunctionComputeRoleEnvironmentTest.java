package dev.sealer.kms.aliyun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.sealer.ErrorCode;
import dev.sealer.SealerException;
import dev.sealer.credentials.ram.RamCredentials;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Function Compute's environment as the fall-back source of the function's role credentials (the
 * headers of a request win over it; FunctionComputeRoleTest covers those over HTTP).
 */
class FunctionComputeRoleEnvironmentTest {

    @Test
    void environment_givesTheRolesCredentialsAndRegion() {
        FunctionComputeRole role = new FunctionComputeRole();
        Map<String, String> environment = Map.of(
                "ALIBABA_CLOUD_ACCESS_KEY_ID",
                "STS.fc",
                "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
                "fc-secret-0123",
                "ALIBABA_CLOUD_SECURITY_TOKEN",
                "fc-token-0123",
                "FC_REGION",
                "cn-shanghai");
        role.environment(environment::get);

        RamCredentials credentials = role.credentials();
        assertThat(credentials.accessKeyId()).isEqualTo("STS.fc");
        assertThat(credentials.accessKeySecret()).isEqualTo("fc-secret-0123");
        assertThat(credentials.securityToken()).isEqualTo("fc-token-0123");
        assertThat(role.region()).contains("cn-shanghai");
    }

    @Test
    void noRole_isNotConfigured() {
        FunctionComputeRole role = new FunctionComputeRole();
        role.environment(name -> null);
        SealerException e = catchThrowableOfType(SealerException.class, role::credentials);
        assertThat(e.errorCode()).isEqualTo(ErrorCode.NOT_CONFIGURED);
        assertThat(role.region()).isEmpty();
    }
}
