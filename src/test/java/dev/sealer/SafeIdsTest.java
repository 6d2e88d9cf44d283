package dev.sealer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Ids from untrusted input must never name a path outside their directory (docs/FORMAT.md). */
class SafeIdsTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "KAAP.abc-1_2",
                "kst-xyz",
                "KAAP.0a1b2c3d-4e5f-6789-abcd-ef0123456789",
                "a",
                "A.b",
                "x.y.z",
                "key-1",
                "_",
                "-",
                "a.",
                ".a",
                "a.b"
            })
    void require_safeId_isReturned(String id) {
        assertThat(SafeIds.isValid(id)).isTrue();
        assertThat(SafeIds.require("field", id)).isSameAs(id);
        assertThat(SafeIds.requireKeyId("field", id)).isSameAs(id);
    }

    @Test
    void require_exactly128Characters_isAccepted() {
        String id = "k".repeat(128);

        assertThat(SafeIds.require("field", id)).isEqualTo(id);
        assertThat(SafeIds.requireKeyId("field", id)).isEqualTo(id);
        assertThat(SafeIds.requireKeyId("field", "alias/" + id)).isEqualTo("alias/" + id);
    }

    static Stream<String> unsafeIds() {
        return Stream.of(
                "..",
                ".",
                "a/b",
                "../x",
                "x/..",
                "/abs",
                "alias/my-key",
                "alias/../x",
                "a..b",
                "..a",
                "a\0b",
                "\0",
                "k".repeat(129),
                "k".repeat(4096),
                "",
                " ",
                "a b",
                "a\\b",
                "a\nb",
                "\u00e9",
                "C:",
                "a:b",
                "a%2F..",
                "\uff0e\uff0e");
    }

    @ParameterizedTest
    @MethodSource("unsafeIds")
    void require_unsafeId_isInvalidId(String id) {
        SealerException e = catchThrowableOfType(SealerException.class, () -> SafeIds.require("client_key_id", id));

        assertThat(SafeIds.isValid(id)).isFalse();
        assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_ID);
        assertThat(e.getMessage()).contains("client_key_id").hasSizeLessThan(200);
    }

    @Test
    void require_hostileId_isNotEchoed() {
        String hostile = "../HOSTILE-MARKER\u0000\n" + "x".repeat(10_000);

        SealerException e = catchThrowableOfType(SealerException.class, () -> SafeIds.require("kid", hostile));
        SealerException keyId =
                catchThrowableOfType(SealerException.class, () -> SafeIds.requireKeyId("key_id", hostile));

        assertThat(e.getMessage())
                .doesNotContain("HOSTILE-MARKER")
                .doesNotContain("\u0000")
                .hasSizeLessThan(200);
        assertThat(keyId.getMessage()).doesNotContain("HOSTILE-MARKER").hasSizeLessThan(200);
    }

    @Test
    void require_null_isInvalidIdSayingMissing() {
        SealerException e = catchThrowableOfType(SealerException.class, () -> SafeIds.require("kid", null));

        assertThat(SafeIds.isValid(null)).isFalse();
        assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_ID);
        assertThat(e.getMessage()).contains("'kid'").contains("missing");
    }

    @ParameterizedTest
    @ValueSource(strings = {"alias/my-key", "alias/a", "alias/KAAP.x_y-z"})
    void requireKeyId_alias_isAcceptedOnlyAsKeyId(String keyId) {
        assertThat(SafeIds.requireKeyId("key_id", keyId)).isEqualTo(keyId);
        assertThat(SafeIds.isValidKeyId(keyId)).isTrue();
        assertThat(SafeIds.isValid(keyId)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "alias/../x",
                "alias/..",
                "alias/",
                "alias//x",
                "alias/a/",
                "alias/a/./b",
                "ALIAS/x",
                "x/alias/y",
                "../alias/x",
                "alias/a..b",
                "..",
                "a/b",
                "/x",
                "alias/\u0000",
                "key\u0000",
                "",
                " alias/x"
            })
    void requireKeyId_unsafeKeyId_isInvalidId(String keyId) {
        SealerException e = catchThrowableOfType(SealerException.class, () -> SafeIds.requireKeyId("key_id", keyId));

        assertThat(SafeIds.isValidKeyId(keyId)).isFalse();
        assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_ID);
        assertThat(e.getMessage()).contains("key_id");
    }

    @Test
    void requireKeyId_tooLongOrNull_isInvalidId() {
        assertThat(SafeIds.isValidKeyId("k".repeat(129))).isFalse();
        assertThat(SafeIds.isValidKeyId("alias/" + "k".repeat(256))).isFalse();
        // Alibaba allows alias names of up to 255 characters, with slashes.
        assertThat(SafeIds.isValidKeyId("alias/" + "k".repeat(255))).isTrue();
        assertThat(SafeIds.isValidKeyId("alias/team/app-key")).isTrue();
        assertThat(SafeIds.isValidKeyId(null)).isFalse();
        assertThat(catchThrowableOfType(SealerException.class, () -> SafeIds.requireKeyId("key_id", null))
                        .errorCode())
                .isEqualTo(ErrorCode.INVALID_ID);
    }
}
