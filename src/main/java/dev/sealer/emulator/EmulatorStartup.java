package dev.sealer.emulator;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;

/**
 * Starts the emulator with the application when it is enabled, so that it listens (and its port is
 * logged) before the first request, and never lazily on an event-loop thread.
 */
@Singleton
class EmulatorStartup {

    void onStart(@Observes StartupEvent event, Instance<KmsEmulator> emulator) {
        if (emulator.isResolvable()) {
            emulator.get().endpoint();
        }
    }
}
