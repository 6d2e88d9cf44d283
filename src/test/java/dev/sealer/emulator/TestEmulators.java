package dev.sealer.emulator;

import com.github.benmanes.caffeine.cache.Ticker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * Standalone emulators for tests, each on its own directory. Generating a state (four RSA-2048 key
 * pairs) takes seconds, so {@link #startSeeded} copies one state generated once per test run into
 * the directory; the emulator then writes its credential files from it as usual. {@link #startFresh}
 * generates a new state, as on first use.
 */
public final class TestEmulators {

    static final String INSTANCE_ID = "kst-test0000000000000001";
    static final String CLIENT_KEY_ID = "KAAP.test-client-key-0001";
    static final String KEY_1 = "key-test-0001";
    static final String KEY_2 = "key-test-0002";
    public static final String SECRET_NAME = "db-password";
    public static final String SECRET_VALUE = "secret-of-the-standalone-emulator";

    private static byte[] seedState;

    private TestEmulators() {}

    static EmulatorServer.Settings settings(Path directory) {
        return EmulatorServer.Settings.forTests(
                directory, INSTANCE_ID, CLIENT_KEY_ID, List.of(KEY_1, KEY_2), Map.of(SECRET_NAME, SECRET_VALUE));
    }

    /** An emulator with a new CA, server certificate, client key and AES keys. */
    static EmulatorServer startFresh(Path directory) {
        return new EmulatorServer(settings(directory), new EmulatorFaults()).start();
    }

    /** An emulator with the state shared by all seeded emulators of this run (same CA, keys, client key). */
    static EmulatorServer startSeeded(Path directory) {
        return startSeeded(directory, new EmulatorFaults(), Ticker.systemTicker(), Clock.systemUTC());
    }

    /** Like {@link #startSeeded(Path)}, with a ticker that decides when the folder is rescanned for client keys. */
    static EmulatorServer startSeeded(Path directory, Ticker ticker) {
        return startSeeded(directory, new EmulatorFaults(), ticker, Clock.systemUTC());
    }

    /** A seeded emulator with fault switches and a clock of the test's (for its RAM credentials' expiry and its checks). */
    public static EmulatorServer startSeeded(Path directory, EmulatorFaults faults, Clock clock) {
        return startSeeded(directory, faults, Ticker.systemTicker(), clock);
    }

    private static EmulatorServer startSeeded(Path directory, EmulatorFaults faults, Ticker ticker, Clock clock) {
        EmulatorServer.Settings settings = settings(directory);
        try {
            CredentialWriter.writeSecretFile(settings.stateFile(), seedState());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new EmulatorServer(settings, faults, ticker, clock, EmulatorServer.RamSettings.DEFAULTS).start();
    }

    private static synchronized byte[] seedState() throws IOException {
        if (seedState == null) {
            Path file = Files.createTempFile("kms-emulator-seed-", ".json");
            try {
                EmulatorState.generate(INSTANCE_ID)
                        .withKeys(List.of(KEY_1, KEY_2))
                        .save(file);
                seedState = Files.readAllBytes(file);
            } finally {
                Files.deleteIfExists(file);
            }
        }
        return seedState;
    }
}
