package dev.sealer.kms.aliyun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.sealer.ErrorCode;
import dev.sealer.SealerException;
import dev.sealer.testsupport.LiveObjects;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Ids in requests and sealed secrets are untrusted: a stream of made-up provider settings (each
 * refused, 422) must leave nothing behind. After many distinct unknown ids and a full collection, no
 * class of the application has more than a handful of live objects: nothing is keyed by request data
 * on a failed lookup.
 */
@QuarkusTest
class UntrustedIdsTest {

    private static final int JUNK_IDS = 20_000;
    /** Far below one object per junk id: what the application itself keeps. */
    private static final long BOUND = 2_000;

    @Inject
    AliyunKmsProvider provider;

    @io.quarkus.test.common.http.TestHTTPResource("/")
    java.net.URI root;

    @Test
    void manyDistinctUnknownIds_leaveNoLiveObjectsBehind() throws Exception {
        java.net.http.HttpClient http =
                java.net.http.HttpClient.newHttpClient(); // one pooled connection, like a real client
        for (int i = 0; i < 300; i++) {
            String body = "{\"text\":\"x\",\"provider_settings\":{\"client_key_id\":\"KAAP.made-up-" + i
                    + "\",\"kms_instance_id\":\"kst-made-up-" + i + "\"}}";
            java.net.http.HttpResponse<String> response = http.send(
                    java.net.http.HttpRequest.newBuilder(root.resolve("/seal"))
                            .header("content-type", "application/json")
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
        }
        for (int i = 0; i < JUNK_IDS; i++) {
            SealerException refused = catchThrowableOfType(
                    SealerException.class,
                    () -> provider.envelopeKey(provider.settings(
                            dev.sealer.kms.KmsProvider.SealedKind.ENVELOPE,
                            Map.of(
                                    "client_key_id",
                                    "KAAP.junk-" + Math.random(),
                                    "kms_instance_id",
                                    "kst-junk-" + Math.random()))));
            assertThat(refused.errorCode()).isEqualTo(ErrorCode.CREDENTIALS_NOT_FOUND);
        }

        Map<String, Long> live = LiveObjects.count("dev.sealer.");

        assertThat(live).isNotEmpty();
        assertThat(live)
                .allSatisfy(
                        (type, count) -> assertThat(count).as("live %s", type).isLessThan(BOUND));
    }
}
