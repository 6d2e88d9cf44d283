package dev.sealer.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.sealer.ErrorCode;
import dev.sealer.SealerException;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The outer JWS of a sealed secret (docs/FORMAT.md, "The sealed secret"): round trip, tampering with every part, malformed
 * forms, algorithm and signature-shape checks, kid handling, and interoperability with an
 * independent JOSE library (Nimbus).
 */
class SealedSecretJwsTest {

    private static final String KID = "sealing-key-1";
    private static final byte[] PAYLOAD =
            "{\"version\":\"0.1.0\",\"type\":\"vault\",\"provider\":\"aliyun\",\"name\":\"db\"}"
                    .getBytes(StandardCharsets.UTF_8);
    /** The order n of P-256. */
    private static final BigInteger P256_ORDER =
            new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);

    private static final Set<ErrorCode> HEADER_REJECTIONS = EnumSet.of(
            ErrorCode.MALFORMED_SEALED_SECRET,
            ErrorCode.SIGNATURE_INVALID,
            ErrorCode.UNKNOWN_KID,
            ErrorCode.INVALID_ID);

    @TempDir
    Path keyDirectory;

    private SigningKey signingKey;
    private VerificationKeys keys;

    @BeforeEach
    void installVerificationKey() throws IOException {
        signingKey = SigningKey.generate(KID);
        Files.writeString(keyDirectory.resolve(KID), signingKey.publicJwk());
        keys = KidResolver.files(keyDirectory);
    }

    // ---- round trip and form ------------------------------------------------------------------

    @Test
    void sign_thenVerify_returnsThePayload() {
        String sealed = SealedSecretJws.sign(signingKey, PAYLOAD);

        assertThat(verify(sealed)).isEqualTo(PAYLOAD);
    }

    @Test
    void sign_output_isPrefixedCompactEs256WithKidAndRawSignature() throws Exception {
        String sealed = SealedSecretJws.sign(signingKey, PAYLOAD);
        String[] parts = sealed.substring("sealed.".length()).split("\\.", -1);

        assertThat(sealed).startsWith("sealed.").matches("sealed\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
        assertThat(parts).hasSize(3);
        String header = new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8);
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(header))
                .isEqualTo(new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree("{\"alg\":\"ES256\",\"kid\":\"" + KID + "\"}"));
        assertThat(Base64.getUrlDecoder().decode(parts[1])).isEqualTo(PAYLOAD);
        assertThat(Base64.getUrlDecoder().decode(parts[2])).hasSize(64);
    }

    @Test
    void sign_sameInput_givesTheSameDeterministicSignature() {
        // RFC 6979 nonces: no dependence on the quality of a random source.
        String first = SealedSecretJws.sign(signingKey, PAYLOAD);
        String second = SealedSecretJws.sign(signingKey, PAYLOAD);

        assertThat(first).isEqualTo(second);
        assertThat(verify(first)).isEqualTo(PAYLOAD);
        assertThat(verify(second)).isEqualTo(PAYLOAD);
    }

    @Test
    void verify_rawEs256FromTheJdk_isAccepted() throws Exception {
        String sealed = rawSigned(
                "{\"alg\":\"ES256\",\"kid\":\"" + KID + "\",\"typ\":\"JOSE\",\"x-other\":[1,2]}",
                PAYLOAD,
                signingKey.privateKey());

        assertThat(verify(sealed)).isEqualTo(PAYLOAD);
    }

    @Test
    void verify_emptyPayloadBytes_isMalformedBeforeVerification() {
        // an empty payload part is an empty part, whatever the signature
        String sealed =
                rawSignedParts(urlB64("{\"alg\":\"ES256\",\"kid\":\"" + KID + "\"}"), "", signingKey.privateKey());

        assertThat(codeOf(sealed)).isEqualTo(ErrorCode.MALFORMED_SEALED_SECRET);
    }

    // ---- tampering: every bit, every character, truncation ---------------------------------------

    @Test
    void verify_everyBitFlippedInHeader_isRejected() {
        String[] parts = parts(SealedSecretJws.sign(signingKey, PAYLOAD));
        byte[] header = Base64.getUrlDecoder().decode(parts[0]);

        for (int bit = 0; bit < header.length * 8; bit++) {
            String tampered = join(urlB64(flip(header, bit)), parts[1], parts[2]);
            assertThat(codeOf(tampered)).as("header bit %d", bit).isIn(HEADER_REJECTIONS);
        }
    }

    @Test
    void verify_everyBitFlippedInPayload_isSignatureInvalid() {
        byte[] payload =
                "{\"k\":\"v12\"}".getBytes(StandardCharsets.UTF_8); // short: every bit is one ECDSA verification
        String[] parts = parts(SealedSecretJws.sign(signingKey, payload));

        for (int bit = 0; bit < payload.length * 8; bit++) {
            String tampered = join(parts[0], urlB64(flip(payload, bit)), parts[2]);
            assertThat(codeOf(tampered)).as("payload bit %d", bit).isEqualTo(ErrorCode.SIGNATURE_INVALID);
        }
    }

    @Test
    void verify_everyBitFlippedInSignature_isSignatureInvalid() {
        String[] parts = parts(SealedSecretJws.sign(signingKey, PAYLOAD));
        byte[] signature = Base64.getUrlDecoder().decode(parts[2]);

        for (int bit = 0; bit < signature.length * 8; bit++) {
            String tampered = join(parts[0], parts[1], urlB64(flip(signature, bit)));
            assertThat(codeOf(tampered)).as("signature bit %d", bit).isEqualTo(ErrorCode.SIGNATURE_INVALID);
        }
    }

    @Test
    void verify_everyCharacterChangedInAnyPart_isRejected() {
        String[] parts = parts(SealedSecretJws.sign(signingKey, PAYLOAD));
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

        for (int part = 0; part < 3; part++) {
            for (int i = 0; i < parts[part].length(); i++) {
                int index = alphabet.indexOf(parts[part].charAt(i));
                // the neighbours in the low bits matter most: in the last character they may be unused bits
                boolean last = i == parts[part].length() - 1;
                for (int delta : last ? new int[] {1, 2, 3, 4, 8, 16, 32} : new int[] {1 << (i % 6)}) {
                    char replacement = alphabet.charAt(index ^ delta);
                    String[] tampered = parts.clone();
                    tampered[part] = parts[part].substring(0, i) + replacement + parts[part].substring(i + 1);
                    ErrorCode code = codeOf(join(tampered));
                    if (part == 0) {
                        assertThat(code)
                                .as("header char %d -> %s", i, replacement)
                                .isIn(HEADER_REJECTIONS);
                    } else {
                        assertThat(code)
                                .as("part %d char %d -> %s", part, i, replacement)
                                .isIn(ErrorCode.SIGNATURE_INVALID, ErrorCode.MALFORMED_SEALED_SECRET);
                    }
                }
            }
        }
    }

    @Test
    void verify_signaturePartWithUnusedTrailingBitsSet_isMalformed() {
        // 64 bytes = 86 characters: the last one carries 4 unused bits. A decoder that ignores them
        // lets anyone make a different string that still verifies (the CDH's decoder rejects it).
        String[] p = parts(SealedSecretJws.sign(signingKey, PAYLOAD));
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char last = p[2].charAt(p[2].length() - 1);
        String altered = p[2].substring(0, p[2].length() - 1) + alphabet.charAt(alphabet.indexOf(last) ^ 1);
        assertThat(Base64.getUrlDecoder().decode(altered))
                .isEqualTo(Base64.getUrlDecoder().decode(p[2]));

        assertThat(codeOf(join(p[0], p[1], altered))).isEqualTo(ErrorCode.MALFORMED_SEALED_SECRET);
    }

    @Test
    void verify_eachPartTruncated_isRejected() {
        String[] parts = parts(SealedSecretJws.sign(signingKey, PAYLOAD));

        for (int part = 0; part < 3; part++) {
            for (int cut : new int[] {1, 2, 3, 4, parts[part].length() / 2, parts[part].length() - 1}) {
                String[] tampered = parts.clone();
                tampered[part] = parts[part].substring(0, parts[part].length() - cut);
                assertThat(codeOf(join(tampered)))
                        .as("part %d cut by %d", part, cut)
                        .isIn(
                                part == 0
                                        ? HEADER_REJECTIONS
                                        : EnumSet.of(ErrorCode.SIGNATURE_INVALID, ErrorCode.MALFORMED_SEALED_SECRET));
            }
        }
    }

    @Test
    void verify_partsSwapped_isRejected() {
        String[] p = parts(SealedSecretJws.sign(signingKey, PAYLOAD));

        assertThat(codeOf(join(p[1], p[0], p[2]))).isIn(HEADER_REJECTIONS);
        assertThat(codeOf(join(p[0], p[2], p[1]))).isIn(ErrorCode.SIGNATURE_INVALID, ErrorCode.MALFORMED_SEALED_SECRET);
    }

    @Test
    void verify_signatureOfAnotherSealedSecret_isSignatureInvalid() {
        String[] first = parts(SealedSecretJws.sign(signingKey, PAYLOAD));
        String[] second = parts(SealedSecretJws.sign(signingKey, "{\"other\":true}".getBytes(StandardCharsets.UTF_8)));

        assertThat(codeOf(join(first[0], first[1], second[2]))).isEqualTo(ErrorCode.SIGNATURE_INVALID);
    }

    // ---- malformed outer form ---------------------------------------------------------------------

    static Stream<String> malformedForms() {
        return Stream.of(
                "",
                "sealed.",
                "sealed",
                "Sealed.a.b.c",
                "SEALED.a.b.c",
                " sealed.a.b.c",
                "unsealed.a.b.c",
                "sealed.a.b",
                "sealed.a.b.c.d",
                "sealed.a.b.c.d.e",
                "sealed..b.c",
                "sealed.a..c",
                "sealed.a.b.",
                "sealed...",
                "sealed.a.b.c.",
                "eyJhbGciOiJFUzI1NiJ9.e30.AAAA");
    }

    @ParameterizedTest
    @MethodSource("malformedForms")
    void split_wrongPrefixOrPartCountOrEmptyPart_isMalformed(String sealed) {
        SealerException e = catchThrowableOfType(SealerException.class, () -> SealedSecretJws.split(sealed));

        assertThat(e.errorCode()).isEqualTo(ErrorCode.MALFORMED_SEALED_SECRET);
    }

    @Test
    void split_null_isMalformed() {
        assertThat(catchThrowableOfType(SealerException.class, () -> SealedSecretJws.split(null))
                        .errorCode())
                .isEqualTo(ErrorCode.MALFORMED_SEALED_SECRET);
    }

    @Test
    void verify_threeOrFiveParts_isMalformed() {
        String[] p = parts(SealedSecretJws.sign(signingKey, PAYLOAD));

        assertThat(codeOf("sealed." + p[0] + "." + p[1])).isEqualTo(ErrorCode.MALFORMED_SEALED_SECRET);
        assertThat(codeOf("sealed." + p[0] + "." + p[1] + "." + p[2] + "." + p[2]))
                .isEqualTo(ErrorCode.MALFORMED_SEALED_SECRET);
        assertThat(codeOf(p[0] + "." + p[1] + "." + p[2])).isEqualTo(ErrorCode.MALFORMED_SEALED_SECRET);
    }

    @ParameterizedTest
    @ValueSource(strings = {"=", "==", "==="})
    void verify_paddedPart_isMalformed(String padding) {
        String[] p = parts(SealedSecretJws.sign(signingKey, PAYLOAD));

        for (int part = 0; part < 3; part++) {
            String[] padded = p.clone();
            padded[part] = p[part] + padding;
            assertThat(codeOf(join(padded)))
                    .as("part %d + %s", part, padding)
                    .isEqualTo(ErrorCode.MALFORMED_SEALED_SECRET);
        }
    }

    @Test
    void verify_paddedPartsFromAPaddingEncoder_areMalformed() {
        // a real interoperability bug of the reference system: a producer that pads
        byte[] header = ("{\"alg\":\"ES256\",\"kid\":\"" + KID + "\"}").getBytes(StandardCharsets.UTF_8);
        String paddedHeader = Base64.getUrlEncoder().encodeToString(header);
        String paddedPayload = Base64.getUrlEncoder().encodeToString(PAYLOAD);
        assertThat(paddedHeader + paddedPayload).contains("=");

        assertThat(codeOf(rawSignedParts(paddedHeader, paddedPayload, signingKey.privateKey())))
                .isEqualTo(ErrorCode.MALFORMED_SEALED_SECRET);
    }

    @ParameterizedTest
    @ValueSource(strings = {"+", "/", " ", "\n", "\u00e9", "*", "%3D"})
    void verify_characterOutsideBase64UrlInAnyPart_isMalformed(String bad) {
        String[] p = parts(SealedSecretJws.sign(signingKey, PAYLOAD));

        for (int part = 0; part < 3; part++) {
            String[] tampered = p.clone();
            tampered[part] = p[part].substring(0, 4) + bad + p[part].substring(4 + bad.length());
            assertThat(codeOf(join(tampered))).as("part %d", part).isEqualTo(ErrorCode.MALFORMED_SEALED_SECRET);
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"not json", "[]", "null", "\"ES256\"", "{\"alg\":\"ES256\",\"kid\":\"" + KID + "\"", "{}{}"})
    void verify_headerNotAJsonObject_isRejected(String header) {
        String sealed = rawSignedParts(urlB64(header), urlB64(PAYLOAD), signingKey.privateKey());

        assertThat(codeOf(sealed)).isIn(ErrorCode.MALFORMED_SEALED_SECRET, ErrorCode.SIGNATURE_INVALID);
    }

    @Test
    void verify_deeplyNestedHeader_isMalformedNotStackOverflow() {
        String header =
                "{\"alg\":\"ES256\",\"kid\":\"" + KID + "\",\"x\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";

        assertThat(codeOf(rawSignedParts(urlB64(header), urlB64(PAYLOAD), signingKey.privateKey())))
                .isEqualTo(ErrorCode.MALFORMED_SEALED_SECRET);
    }

    // ---- algorithm ---------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(
            strings = {"none", "None", "HS256", "ES384", "ES512", "RS256", "PS256", "EdDSA", "es256", "ES256 ", ""})
    void verify_algOtherThanEs256_isSignatureInvalid(String alg) throws Exception {
        String sealed =
                rawSigned("{\"alg\":\"" + alg + "\",\"kid\":\"" + KID + "\"}", PAYLOAD, signingKey.privateKey());

        assertThat(codeOf(sealed)).isEqualTo(ErrorCode.SIGNATURE_INVALID);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"kid\":\"" + KID + "\"}",
                "{\"alg\":null,\"kid\":\"" + KID + "\"}",
                "{\"alg\":256,\"kid\":\"" + KID + "\"}",
                "{\"alg\":[\"ES256\"],\"kid\":\"" + KID + "\"}",
                "{\"alg\":{\"name\":\"ES256\"},\"kid\":\"" + KID + "\"}"
            })
    void verify_algMissingOrNotAString_isSignatureInvalid(String header) throws Exception {
        assertThat(codeOf(rawSigned(header, PAYLOAD, signingKey.privateKey()))).isEqualTo(ErrorCode.SIGNATURE_INVALID);
    }

    @Test
    void verify_noneAlgWithEmptySignature_isRejected() {
        String header = urlB64("{\"alg\":\"none\",\"kid\":\"" + KID + "\"}");

        assertThat(codeOf("sealed." + header + "." + urlB64(PAYLOAD) + "."))
                .isEqualTo(ErrorCode.MALFORMED_SEALED_SECRET);
    }

    @Test
    void verify_hs256KeyedWithThePublicJwk_isSignatureInvalid() throws Exception {
        // the classic algorithm-confusion attack: HMAC keyed with public material
        String header = urlB64("{\"alg\":\"HS256\",\"kid\":\"" + KID + "\"}");
        String payload = urlB64(PAYLOAD);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(signingKey.publicJwk().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String signature = urlB64(mac.doFinal((header + "." + payload).getBytes(StandardCharsets.US_ASCII)));

        assertThat(codeOf(join(header, payload, signature))).isEqualTo(ErrorCode.SIGNATURE_INVALID);
    }

    // ---- signature shape (CVE-2022-21449 and friends) -------------------------------------------

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 32, 63, 65, 70, 72, 96, 128})
    void verify_signatureNot64Bytes_isSignatureInvalid(int length) {
        String[] p = parts(SealedSecretJws.sign(signingKey, PAYLOAD));
        byte[] signature = Arrays.copyOf(Base64.getUrlDecoder().decode(p[2]), length);

        String sealed = join(p[0], p[1], urlB64(signature));

        assertThat(codeOf(sealed))
                .isEqualTo(length == 0 ? ErrorCode.MALFORMED_SEALED_SECRET : ErrorCode.SIGNATURE_INVALID);
    }

    @Test
    void verify_allZeroSignature_isSignatureInvalid() {
        String[] p = parts(SealedSecretJws.sign(signingKey, PAYLOAD));

        assertThat(codeOf(join(p[0], p[1], urlB64(new byte[64])))).isEqualTo(ErrorCode.SIGNATURE_INVALID);
    }

    @Test
    void verify_rOrSZero_isSignatureInvalid() {
        String[] p = parts(SealedSecretJws.sign(signingKey, PAYLOAD));
        byte[] signature = Base64.getUrlDecoder().decode(p[2]);
        byte[] zeroR = signature.clone();
        Arrays.fill(zeroR, 0, 32, (byte) 0);
        byte[] zeroS = signature.clone();
        Arrays.fill(zeroS, 32, 64, (byte) 0);

        assertThat(codeOf(join(p[0], p[1], urlB64(zeroR)))).isEqualTo(ErrorCode.SIGNATURE_INVALID);
        assertThat(codeOf(join(p[0], p[1], urlB64(zeroS)))).isEqualTo(ErrorCode.SIGNATURE_INVALID);
    }

    @Test
    void verify_rAndSEqualToOrAboveTheCurveOrder_isSignatureInvalid() {
        String[] p = parts(SealedSecretJws.sign(signingKey, PAYLOAD));
        byte[] order = unsigned32(P256_ORDER);
        byte[] allOnes = new byte[32];
        Arrays.fill(allOnes, (byte) 0xff);

        assertThat(codeOf(join(p[0], p[1], urlB64(concat(order, order))))).isEqualTo(ErrorCode.SIGNATURE_INVALID);
        assertThat(codeOf(join(p[0], p[1], urlB64(concat(allOnes, allOnes))))).isEqualTo(ErrorCode.SIGNATURE_INVALID);
    }

    @Test
    void sign_alwaysWritesTheLowSForm() {
        BigInteger halfOrder = P256_ORDER.shiftRight(1);
        for (int i = 0; i < 64; i++) {
            String[] p =
                    parts(SealedSecretJws.sign(signingKey, ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8)));
            byte[] signature = Base64.getUrlDecoder().decode(p[2]);
            // RFC 6979 alone gives high S for about half of all inputs: 64 in a row low is the normalization
            assertThat(new BigInteger(1, Arrays.copyOfRange(signature, 32, 64))).isLessThanOrEqualTo(halfOrder);
        }
    }

    /** (r, n - s): the other valid form of the same signature, high S when the original is low. */
    private String[] highSForm() {
        String[] p = parts(SealedSecretJws.sign(signingKey, PAYLOAD));
        byte[] signature = Base64.getUrlDecoder().decode(p[2]);
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, 32, 64));
        byte[] malleated = concat(Arrays.copyOfRange(signature, 0, 32), unsigned32(P256_ORDER.subtract(s)));
        return new String[] {p[0], p[1], urlB64(malleated)};
    }

    @Test
    void verify_highSForm_isAcceptedByDefault_asTheCdhAndItsToolsWriteIt() {
        String[] p = highSForm();

        assertThat(verify(join(p[0], p[1], p[2]))).isEqualTo(PAYLOAD);
    }

    @Test
    void verify_highSForm_withRequireLowS_isSignatureInvalid() {
        String[] p = highSForm();

        SealerException e = catchThrowableOfType(
                SealerException.class,
                () -> SealedSecretJws.verify(SealedSecretJws.split(join(p[0], p[1], p[2])), keys, true));

        assertThat(e.errorCode()).isEqualTo(ErrorCode.SIGNATURE_INVALID);
    }

    @Test
    void verify_derEncodedSignature_isSignatureInvalid() throws Exception {
        String header = urlB64("{\"alg\":\"ES256\",\"kid\":\"" + KID + "\"}");
        String payload = urlB64(PAYLOAD);
        Signature der = Signature.getInstance("SHA256withECDSA");
        der.initSign(signingKey.privateKey());
        der.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));

        assertThat(codeOf(join(header, payload, urlB64(der.sign())))).isEqualTo(ErrorCode.SIGNATURE_INVALID);
    }

    // ---- keys and kids ------------------------------------------------------------------------------

    @Test
    void verify_anotherKeyUnderTheSameKid_isSignatureInvalid() throws IOException {
        String sealed = SealedSecretJws.sign(signingKey, PAYLOAD);
        Files.writeString(keyDirectory.resolve(KID), SigningKey.generate(KID).publicJwk());

        assertThat(codeOf(sealed)).isEqualTo(ErrorCode.SIGNATURE_INVALID);
    }

    @Test
    void verify_unknownKid_isUnknownKid() {
        String sealed = SealedSecretJws.sign(SigningKey.generate("not-installed"), PAYLOAD);

        SealerException e = catchThrowableOfType(SealerException.class, () -> verify(sealed));

        assertThat(e.errorCode()).isEqualTo(ErrorCode.UNKNOWN_KID);
        assertThat(e.logMessage()).contains("not-installed");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"../" + KID, "a/b", "/etc/passwd", "..", ".", "", "x/../../" + KID, "kid\u0000", "a\\b", " "})
    void verify_kidThatLeavesTheFolderOrIsNoPath_isRefused(String kid) throws Exception {
        // a verification key is where "../<kid>" would lead: it must never be used
        Path nested = Files.createDirectories(keyDirectory.resolve("nested"));
        VerificationKeys nestedKeys = KidResolver.files(nested);
        String header = new com.fasterxml.jackson.databind.ObjectMapper()
                .createObjectNode()
                .put("alg", "ES256")
                .put("kid", kid)
                .toString();

        SealerException e = catchThrowableOfType(
                SealerException.class,
                () -> SealedSecretJws.verify(
                        SealedSecretJws.split(rawSigned(header, PAYLOAD, signingKey.privateKey())), nestedKeys, false));

        assertThat(e.errorCode()).isIn(ErrorCode.INVALID_ID, ErrorCode.UNKNOWN_KID);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"alg\":\"ES256\"}",
                "{\"alg\":\"ES256\",\"kid\":null}",
                "{\"alg\":\"ES256\",\"kid\":7}",
                "{\"alg\":\"ES256\",\"kid\":[\"" + KID + "\"]}"
            })
    void verify_kidMissingOrNotAString_isInvalidId(String header) throws Exception {
        assertThat(codeOf(rawSigned(header, PAYLOAD, signingKey.privateKey()))).isEqualTo(ErrorCode.INVALID_ID);
    }

    @Test
    void verify_kidLongerThan512_isInvalidId() throws Exception {
        String header = "{\"alg\":\"ES256\",\"kid\":\"" + "k".repeat(513) + "\"}";

        assertThat(codeOf(rawSigned(header, PAYLOAD, signingKey.privateKey()))).isEqualTo(ErrorCode.INVALID_ID);
    }

    @Test
    void legacyForm_isRecognizedButDoesNotVerify() {
        String sealed = "sealed.fakejwsheader." + urlB64(PAYLOAD) + ".fakesignature";
        SealedSecretJws.Parts parts = SealedSecretJws.split(sealed);

        assertThat(parts.isLegacy()).isTrue();
        assertThat(SealedSecretJws.unverifiedPayload(parts)).isEqualTo(PAYLOAD);
        assertThat(codeOf(sealed)).isIn(ErrorCode.MALFORMED_SEALED_SECRET, ErrorCode.SIGNATURE_INVALID);
        assertThat(SealedSecretJws.split(SealedSecretJws.sign(signingKey, PAYLOAD))
                        .isLegacy())
                .isFalse();
        assertThat(SealedSecretJws.split("sealed.fakejwsheader." + urlB64(PAYLOAD) + ".realsignature")
                        .isLegacy())
                .isFalse();
    }

    // ---- interoperability with Nimbus JOSE ----------------------------------------------------------

    @Test
    void verify_jwsMadeByNimbus_isAccepted() throws Exception {
        ECKey nimbusKey = new ECKeyGenerator(Curve.P_256).keyID("nimbus-kid").generate();
        Files.writeString(
                keyDirectory.resolve("nimbus-kid"), nimbusKey.toPublicJWK().toJSONString());
        JWSObject jws = new JWSObject(
                new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("nimbus-kid").build(), new Payload(PAYLOAD));
        jws.sign(new ECDSASigner(nimbusKey));

        assertThat(verify("sealed." + jws.serialize())).isEqualTo(PAYLOAD);
    }

    @Test
    void sign_outputVerifiesInNimbus() throws Exception {
        String sealed = SealedSecretJws.sign(signingKey, PAYLOAD);

        JWSObject jws = JWSObject.parse(sealed.substring("sealed.".length()));

        assertThat(jws.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
        assertThat(jws.getHeader().getKeyID()).isEqualTo(KID);
        assertThat(jws.verify(new ECDSAVerifier(signingKey.publicKey()))).isTrue();
        assertThat(jws.getPayload().toBytes()).isEqualTo(PAYLOAD);
        // and the verification JWK we publish is one Nimbus reads as the same key
        assertThat(jws.verify(new ECDSAVerifier(ECKey.parse(signingKey.publicJwk()))))
                .isTrue();
        assertThat(ECKey.parse(signingKey.publicJwk()).isPrivate()).isFalse();
    }

    @Test
    void sign_outputDoesNotVerifyInNimbusWithAnotherKey() throws Exception {
        String sealed = SealedSecretJws.sign(signingKey, PAYLOAD);

        JWSObject jws = JWSObject.parse(sealed.substring("sealed.".length()));

        assertThat(jws.verify(new ECDSAVerifier(SigningKey.generate(KID).publicKey())))
                .isFalse();
    }

    // ---- helpers -------------------------------------------------------------------------------------

    private byte[] verify(String sealed) {
        return SealedSecretJws.verify(SealedSecretJws.split(sealed), keys, false);
    }

    private ErrorCode codeOf(String sealed) {
        try {
            verify(sealed);
        } catch (SealerException e) {
            return e.errorCode();
        }
        return null;
    }

    private static String[] parts(String sealed) {
        return sealed.substring("sealed.".length()).split("\\.", -1);
    }

    private static String join(String... parts) {
        return "sealed." + String.join(".", parts);
    }

    static String urlB64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String urlB64(String text) {
        return urlB64(text.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] flip(byte[] bytes, int bit) {
        byte[] copy = bytes.clone();
        copy[bit / 8] ^= (byte) (0x80 >>> (bit % 8));
        return copy;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] result = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, result, a.length, b.length);
        return result;
    }

    private static byte[] unsigned32(BigInteger value) {
        byte[] bytes = value.toByteArray();
        byte[] result = new byte[32];
        int length = Math.min(bytes.length, 32);
        System.arraycopy(bytes, bytes.length - length, result, 32 - length, length);
        return result;
    }

    /** A sealed secret signed with the JDK's raw (P1363) ES256, independent of the code under test. */
    static String rawSigned(String headerJson, byte[] payload, ECPrivateKey key) {
        return rawSignedParts(urlB64(headerJson), urlB64(payload), key);
    }

    static String rawSignedParts(String header, String payload, ECPrivateKey key) {
        try {
            Signature signature = Signature.getInstance("SHA256withECDSAinP1363Format");
            signature.initSign(key);
            signature.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
            return "sealed." + header + "." + payload + "." + urlB64(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
