package dev.sealer.functions.runtime;

import io.quarkus.runtime.configuration.ConfigUtils;
import java.util.List;

/** The active configuration profiles, and the rules that depend on them. */
public final class Profiles {

    private Profiles() {}

    public static List<String> active() {
        return ConfigUtils.getProfiles();
    }

    /** Development and tests: the only profiles where development switches (emulator, generated keys) may be on. */
    public static boolean isDevelopment(List<String> profiles) {
        return profiles.contains("dev") || profiles.contains("test");
    }

    /** Inside a confidential VM. */
    public static boolean isTee(List<String> profiles) {
        return profiles.contains("tee");
    }
}
