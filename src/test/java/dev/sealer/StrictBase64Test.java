package dev.sealer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Exactly one base64 form per place (docs/FORMAT.md, "The sealed secret"): standard alphabet with padding inside the
 * payload, URL alphabet without padding for the JWS parts; canonical encodings only.
 */
class StrictBase64Test {

    // ---- standard, with padding ----------------------------------------------------------------

    @Test
    void decodeStandard_everyLengthFromTheJdkEncoder_roundTrips() {
        for (int length = 0; length <= 64; length++) {
            byte[] bytes = IntStream.range(0, length)
                    .map(i -> i * 37 + 250)
                    .collect(java.io.ByteArrayOutputStream::new, (out, b) -> out.write(b), (a, b) -> {})
                    .toByteArray();
            String encoded = Base64.getEncoder().encodeToString(bytes);

            assertThat(StrictBase64.decodeStandard("f", encoded))
                    .as("length %d", length)
                    .isEqualTo(bytes);
            assertThat(StrictBase64.encodeStandard(bytes)).isEqualTo(encoded);
            assertThat(StrictBase64.standardLength(length)).isEqualTo(encoded.length());
        }
    }

    @Test
    void decodeStandard_bothSpecialCharacters_areStandardAlphabet() {
        assertThat(StrictBase64.decodeStandard("f", "+/+/"))
                .isEqualTo(Base64.getDecoder().decode("+/+/"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"AA", "AAA", "AAAAAA", "AAAAAAA", "aGVsbG8"})
    void decodeStandard_withoutPadding_isInvalidBase64(String value) {
        assertInvalidStandard(value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-_-_", "AB-_", "aGk_", "_w==", "-A=="})
    void decodeStandard_urlAlphabet_isInvalidBase64(String value) {
        assertInvalidStandard(value);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "A",
                "A=",
                "A==",
                "A===",
                "AA=",
                "AAAA=",
                "AAAA==",
                "AA==AA==",
                "=AAA",
                "AA=A",
                "====",
                "AAAA AAAA",
                "AAAA\nAAAA",
                " AAAA",
                "AAAA\n",
                "AA\u00e9A",
                "AAAA\u0000"
            })
    void decodeStandard_wrongPaddingOrCharacters_isInvalidBase64(String value) {
        assertInvalidStandard(value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"AB==", "AP==", "AAB=", "AAD=", "aGVsbG9=", "aGVsbG+="})
    void decodeStandard_unusedTrailingBitsSet_isInvalidBase64(String value) {
        assertThat(Base64.getDecoder().decode(value))
                .as("the JDK decoder accepts it")
                .isNotNull();
        assertInvalidStandard(value);
    }

    @Test
    void decodeStandard_canonicalLastCharacters_areAccepted() {
        assertThat(StrictBase64.decodeStandard("f", "/w==")).containsExactly(0xff);
        assertThat(StrictBase64.decodeStandard("f", "//8=")).containsExactly(0xff, 0xff);
        assertThat(StrictBase64.decodeStandard("f", "AA==")).containsExactly(0);
    }

    @ParameterizedTest
    @NullSource
    void decodeStandard_null_isInvalidBase64(String value) {
        assertInvalidStandard(value);
    }

    @Test
    void decodeStandard_error_namesTheFieldNotTheValue() {
        SealerException e = catchThrowableOfType(
                SealerException.class, () -> StrictBase64.decodeStandard("encrypted_key", "not-base64-secretish"));

        assertThat(e.getMessage()).contains("'encrypted_key'").doesNotContain("secretish");
    }

    // ---- URL, without padding --------------------------------------------------------------------

    @Test
    void decodeUrl_everyLengthFromTheJdkEncoder_roundTrips() {
        for (int length = 0; length <= 64; length++) {
            byte[] bytes = new byte[length];
            for (int i = 0; i < length; i++) {
                bytes[i] = (byte) (i * 61 + 251);
            }
            String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);

            assertThat(StrictBase64.decodeUrl("p", encoded))
                    .as("length %d", length)
                    .isEqualTo(bytes);
            assertThat(StrictBase64.encodeUrl(bytes)).isEqualTo(encoded);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"AA==", "AAA=", "aGVsbG8=", "eyJhIjoxfQ==", "=", "AAAA="})
    void decodeUrl_withPadding_isMalformed(String value) {
        assertMalformedUrl(value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"+/+/", "AB+/", "aGk/", "+w", "a+b"})
    void decodeUrl_standardAlphabet_isMalformed(String value) {
        assertMalformedUrl(value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"A", "AAAAA", "AA AA", "AA\nAA", "AA.AA", "AA\u00e9A", "AA%3D"})
    void decodeUrl_impossibleLengthOrCharacters_isMalformed(String value) {
        assertMalformedUrl(value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"AB", "AP", "AAB", "AAD", "aGVsbG9", "_x"})
    void decodeUrl_unusedTrailingBitsSet_isMalformed(String value) {
        assertThat(Base64.getUrlDecoder().decode(value))
                .as("the JDK decoder accepts it")
                .isNotNull();
        assertMalformedUrl(value);
    }

    @ParameterizedTest
    @NullSource
    void decodeUrl_null_isMalformed(String value) {
        assertMalformedUrl(value);
    }

    @Test
    void decodeUrl_emptyString_isEmpty() {
        assertThat(StrictBase64.decodeUrl("p", "")).isEmpty();
    }

    @Test
    void decodeUrl_jwsHeader_decodes() {
        assertThat(new String(StrictBase64.decodeUrl("JWS header", "eyJhbGciOiJFUzI1NiJ9"), StandardCharsets.UTF_8))
                .isEqualTo("{\"alg\":\"ES256\"}");
    }

    private static void assertInvalidStandard(String value) {
        SealerException e = catchThrowableOfType(SealerException.class, () -> StrictBase64.decodeStandard("f", value));
        assertThat(e).as("'%s' must be rejected", value).isNotNull();
        assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_BASE64);
    }

    private static void assertMalformedUrl(String value) {
        SealerException e =
                catchThrowableOfType(SealerException.class, () -> StrictBase64.decodeUrl("JWS part", value));
        assertThat(e).as("'%s' must be rejected", value).isNotNull();
        assertThat(e.errorCode()).isEqualTo(ErrorCode.MALFORMED_SEALED_SECRET);
        assertThat(e.getMessage()).contains("JWS part");
    }
}
