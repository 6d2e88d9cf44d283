package dev.sealer.credentials.ram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.sealer.ErrorCode;
import dev.sealer.SealerException;
import dev.sealer.emulator.EmulatorFaults;
import dev.sealer.emulator.EmulatorServer;
import dev.sealer.emulator.TestEmulators;
import dev.sealer.testsupport.SecretRecorder;
import dev.sealer.testsupport.SteeredClock;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Role credentials from the instance metadata service: cached until shortly before they expire, then
 * fetched again; kept while a refresh fails and they are still valid; clear errors when the service
 * is down, slow or does not know the role. The emulator (its own, on a temporary folder) and the
 * client share a steered clock: an hour passes without waiting. Requests are counted by the emulator.
 */
@QuarkusTest
class InstanceMetadataCredentialsTest {

    private static final String ROLE = EmulatorServer.RamSettings.DEFAULTS.roleName();
    private static final Duration TTL = EmulatorServer.RamSettings.DEFAULTS.roleCredentialsTtl();
    private static final Duration REFRESH_BEFORE_EXPIRY = Duration.ofMinutes(3);

    @TempDir
    Path directory;

    private final SteeredClock clock = SteeredClock.startingNow();
    private EmulatorServer server;
    private InstanceMetadataCredentials metadata;

    @BeforeEach
    void start() {
        server = TestEmulators.startSeeded(directory, new EmulatorFaults(), clock);
        metadata = new InstanceMetadataCredentials(
                server.metadataEndpoint(), Duration.ofSeconds(2), REFRESH_BEFORE_EXPIRY, clock);
    }

    @AfterEach
    void stop() {
        metadata.close();
        server.close();
    }

    @Test
    void credentials_areCachedUntilShortlyBeforeExpiry_thenRefreshed() {
        RamCredentials first = remembered(metadata.credentials(ROLE));
        assertThat(first.expiration()).isEqualTo(clock.instant().plus(TTL));
        assertThat(requests()).isEqualTo(1);

        clock.advance(TTL.minus(REFRESH_BEFORE_EXPIRY).minusSeconds(1));
        assertThat(metadata.credentials(ROLE)).isSameAs(first);
        assertThat(requests()).as("still cached").isEqualTo(1);

        clock.advance(Duration.ofSeconds(1));
        RamCredentials second = remembered(metadata.credentials(ROLE));
        assertThat(requests()).as("refreshed before expiry").isEqualTo(2);
        assertThat(second.accessKeyId()).isNotEqualTo(first.accessKeyId());
        assertThat(second.expiration()).isAfter(first.expiration());
        assertThat(metadata.credentials(ROLE)).isSameAs(second);
        assertThat(requests()).isEqualTo(2);
    }

    @Test
    void failedRefresh_keepsTheCachedCredentials_untilTheyExpire() {
        RamCredentials first = remembered(metadata.credentials(ROLE));
        clock.advance(TTL.minus(Duration.ofMinutes(1)));
        server.faults().script(EmulatorFaults.Action.FAIL, EmulatorFaults.Action.DROP);

        assertThat(metadata.credentials(ROLE)).isSameAs(first);
        clock.advance(Duration.ofMinutes(1));
        SealerException e = catchThrowableOfType(SealerException.class, () -> metadata.credentials(ROLE));
        assertThat(e.errorCode()).isEqualTo(ErrorCode.CREDENTIALS_UNAVAILABLE);
        assertThat(requests()).isEqualTo(3);
    }

    @Test
    void serviceDown_isCredentialsUnavailable() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (InstanceMetadataCredentials down = new InstanceMetadataCredentials(
                URI.create("http://127.0.0.1:" + closedPort), Duration.ofSeconds(2), REFRESH_BEFORE_EXPIRY, clock)) {
            SealerException e = catchThrowableOfType(SealerException.class, () -> down.credentials(ROLE));
            assertThat(e.errorCode()).isEqualTo(ErrorCode.CREDENTIALS_UNAVAILABLE);
            assertThat(e.getMessage()).contains("could not be reached").doesNotContain("127.0.0.1");
        }
    }

    @Test
    void serviceTooSlow_isCredentialsUnavailable() {
        server.faults().set(Duration.ofSeconds(10), 0, 0, 0);
        try (InstanceMetadataCredentials impatient = new InstanceMetadataCredentials(
                server.metadataEndpoint(), Duration.ofMillis(300), REFRESH_BEFORE_EXPIRY, clock)) {
            SealerException e = catchThrowableOfType(SealerException.class, () -> impatient.credentials(ROLE));
            assertThat(e.errorCode()).isEqualTo(ErrorCode.CREDENTIALS_UNAVAILABLE);
            assertThat(e.getMessage()).contains("did not answer in time");
        }
    }

    @Test
    void serverFault_isCredentialsUnavailable_andAnUnknownRole_isCredentialsInvalid() {
        server.faults().script(EmulatorFaults.Action.FAIL);
        assertThat(catchThrowableOfType(SealerException.class, () -> metadata.credentials(ROLE))
                        .errorCode())
                .isEqualTo(ErrorCode.CREDENTIALS_UNAVAILABLE);
        SealerException unknown = catchThrowableOfType(SealerException.class, () -> metadata.credentials("NoSuchRole"));
        assertThat(unknown.errorCode()).isEqualTo(ErrorCode.CREDENTIALS_INVALID);
        assertThat(unknown.getMessage()).doesNotContain("NoSuchRole");
    }

    @Test
    void roleNames_areCheckedBeforeTheyBuildAUrl() {
        assertThat(catchThrowableOfType(SealerException.class, () -> metadata.forRole("../../latest"))
                        .errorCode())
                .isEqualTo(ErrorCode.INVALID_ID);
    }

    private int requests() {
        return server.faults().requests(EmulatorFaults.METADATA);
    }

    private static RamCredentials remembered(RamCredentials credentials) {
        SecretRecorder.remember(credentials.accessKeySecret());
        SecretRecorder.remember(credentials.securityToken());
        assertThat(credentials.toString())
                .doesNotContain(credentials.accessKeySecret())
                .doesNotContain(credentials.securityToken());
        return credentials;
    }
}
