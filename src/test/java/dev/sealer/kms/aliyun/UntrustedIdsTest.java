package dev.sealer.kms.aliyun;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.sealer.ErrorCode;
import dev.sealer.SealerException;
import dev.sealer.testsupport.LiveObjects;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
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

    @Test
    void manyDistinctUnknownIds_leaveNoLiveObjectsBehind() {
        for (int i = 0; i < 300; i++) {
            given().contentType(ContentType.JSON)
                    .body(Map.of("text", "x", "provider_settings", Map.of("client_key_id", "KAAP.made-up-" + i,
                            "kms_instance_id", "kst-made-up-" + i)))
                    .when().post("/seal").then().statusCode(422);
        }
        for (int i = 0; i < JUNK_IDS; i++) {
            SealerException refused = catchThrowableOfType(SealerException.class, () -> provider.client(
                    Map.of("client_key_id", "KAAP.junk-" + Math.random(), "kms_instance_id", "kst-junk-" + Math.random())));
            assertThat(refused.errorCode()).isEqualTo(ErrorCode.CREDENTIALS_NOT_FOUND);
        }

        Map<String, Long> live = LiveObjects.count("dev.sealer.");

        assertThat(live).isNotEmpty();
        assertThat(live).allSatisfy((type, count) -> assertThat(count).as("live %s", type).isLessThan(BOUND));
    }
}
