package dev.sealer.testsupport;

import dev.sealer.emulator.EmulatorConfig;
import dev.sealer.functions.runtime.SealedSecretConfig;
import dev.sealer.functions.runtime.SealerConfig;
import dev.sealer.kms.aliyun.AliyunKmsConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The application's configuration as the application reads it (its {@code application.properties},
 * a profile, its {@code @ConfigMapping} interfaces with their defaults, Quarkus's converters), without
 * starting the application: fast enough to check every documented property and every manifest.
 */
public final class ApplicationConfig {

    public static final Path PROPERTIES = Path.of("src/main/resources/application.properties");
    /** Every configuration mapping of the application. */
    public static final List<Class<?>> MAPPINGS =
            List.of(SealerConfig.class, SealedSecretConfig.class, AliyunKmsConfig.class, EmulatorConfig.class);

    private ApplicationConfig() {}

    /**
     * @param extra properties set on top (like system properties), may be empty
     * @throws io.smallrye.config.ConfigValidationException when a property does not map or does not convert
     */
    public static SmallRyeConfig build(String profile, Map<String, String> extra) {
        try {
            SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder()
                    .withProfile(profile)
                    .withConverter(Duration.class, 200, new DurationConverter())
                    .withConverter(MemorySize.class, 200, new MemorySizeConverter())
                    .withSources(new PropertiesConfigSource(PROPERTIES.toUri().toURL(), 100))
                    .withSources(new PropertiesConfigSource(extra, "extra", 400))
                    .withValidateUnknown(true);
            MAPPINGS.forEach(builder::withMapping);
            return builder.build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
