package dev.sealer.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.benmanes.caffeine.cache.Ticker;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.sealer.CallerFaultException;
import dev.sealer.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * URI kids: how long a key fetched from KBS keeps verifying (the CDH fetches it for every secret), and the CDH's
 * offline resource file as {@code kbs-resource-dir}.
 */
class KidResolverTest {

    private static final Kid.ResourceUri KID = (Kid.ResourceUri) Kid.parse("kbs:///default/sealed-secret/k1");

    @TempDir
    Path dir;

    private ECKey key;
    private final AtomicLong nanos = new AtomicLong(1);
    private final Ticker ticker = nanos::get;
    private final AtomicInteger fetches = new AtomicInteger();

    @BeforeEach
    void key() throws Exception {
        key = new ECKeyGenerator(Curve.P_256).generate();
    }

    private KbsResources kbs() {
        return uri -> {
            fetches.incrementAndGet();
            return key.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);
        };
    }

    @Test
    void fetchedKey_keepsVerifyingUpToMaxAge_thenIsFetchedAgain() throws Exception {
        KidResolver resolver = KidResolver.withResourceApi(dir, kbs(), Duration.ofSeconds(30), ticker);

        resolver.find(KID);
        nanos.addAndGet(Duration.ofSeconds(29).toNanos());
        resolver.find(KID);
        assertThat(fetches).hasValue(1);

        nanos.addAndGet(Duration.ofSeconds(2).toNanos());
        assertThat(resolver.find(KID)).isEqualTo(key.toECPublicKey());
        assertThat(fetches).hasValue(2);
    }

    @Test
    void maxAgeZero_fetchesForEverySecret_likeTheCdh() {
        KidResolver resolver = KidResolver.withResourceApi(dir, kbs(), Duration.ZERO, ticker);

        resolver.find(KID);
        resolver.find(KID);
        resolver.find(KID);

        assertThat(fetches).hasValue(3);
    }

    @Test
    void offlineResourceFile_servesUriKids_asTheCdhsOfflineFsKbcReadsIt() throws Exception {
        Path file = dir.resolve("aa-offline_fs_kbc-resources.json");
        String jwk = Base64.getEncoder()
                .encodeToString(key.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8));
        Files.writeString(file, "{\"default/sealed-secret/k1\":\"" + jwk + "\",\"default/other/x\":\"aGVsbG8=\"}");
        KidResolver resolver = KidResolver.withResourceFolder(dir.resolve("no-file-kids"), file);

        assertThat(resolver.find(KID)).isEqualTo(key.toECPublicKey());
        // the CDH ignores the host of a KBS URI
        assertThat(resolver.find(Kid.parse("kbs://kbs.example:8080/default/sealed-secret/k1")))
                .isEqualTo(key.toECPublicKey());
        assertThatThrownBy(() -> resolver.find(Kid.parse("kbs:///default/sealed-secret/k2")))
                .isInstanceOf(CallerFaultException.class)
                .extracting(e -> ((CallerFaultException) e).errorCode())
                .isEqualTo(ErrorCode.UNKNOWN_KID);
    }

    @Test
    void offlineResourceFile_replaced_isReadAgain() throws Exception {
        Path file = dir.resolve("resources.json");
        Files.writeString(file, "{}");
        KidResolver resolver = KidResolver.withResourceFolder(dir, file);
        assertThatThrownBy(() -> resolver.find(KID)).isInstanceOf(CallerFaultException.class);

        String jwk = Base64.getEncoder()
                .encodeToString(key.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8));
        Files.writeString(file, "{\"default/sealed-secret/k1\": \"" + jwk + "\"}");

        assertThat(resolver.find(KID)).isEqualTo(key.toECPublicKey());
    }

    @Test
    void offlineResourceFile_broken_isAServiceFault_namingNoPath() throws Exception {
        Path file = dir.resolve("broken.json");
        Files.writeString(file, "{\"default/sealed-secret/k1\": 42}");
        KidResolver resolver = KidResolver.withResourceFolder(dir, file);

        assertThatThrownBy(() -> resolver.find(KID))
                .isInstanceOf(dev.sealer.ServiceFaultException.class)
                .hasMessageNotContaining(dir.toString());
    }
}
