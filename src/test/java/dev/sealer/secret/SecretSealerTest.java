package dev.sealer.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import dev.sealer.ErrorCode;
import dev.sealer.SealerException;
import dev.sealer.Texts;
import dev.sealer.kms.KmsProviders;
import dev.sealer.kms.WrappedKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The envelope and vault logic of {@link SecretSealer} (docs/FORMAT.md) with a small in-memory KMS:
 * round trips, freshness of data key and IV, every way a signed payload can still be wrong, the
 * legacy form and the explicit skip switch, the size limits and wiping of data keys.
 */
class SecretSealerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KID = "sealer-test-key";
    private static final int MAX = 4096;
    private static final Map<String, String> SETTINGS =
            Map.of("client_key_id", "KAAP.fake", "kms_instance_id", "kst-fake");

    @TempDir
    Path keyDirectory;

    private InMemoryKms kms;
    private SigningKey signingKey;
    private KidResolver verificationKeys;
    private SecretSealer sealer;

    @BeforeEach
    void setUp() throws IOException {
        kms = new InMemoryKms("aliyun");
        signingKey = SigningKey.generate(KID);
        Files.writeString(keyDirectory.resolve(KID), signingKey.publicJwk());
        verificationKeys = KidResolver.files(keyDirectory);
        sealer = sealer(signingKey, MAX, false);
    }

    private SecretSealer sealer(SigningKey key, int maxSecretBytes, boolean skipVerification) {
        return new SecretSealer(
                new KmsProviders(List.of(kms)),
                Signer.of(java.util.Optional.ofNullable(key)),
                verificationKeys,
                new SecretSealer.Options(new SecretLimits(maxSecretBytes), skipVerification, false),
                DataKeyDecrypter.fromKms(),
                new SecureRandom());
    }

    // ---- envelope round trips ----------------------------------------------------------------------

    static Stream<Arguments> secrets() {
        byte[] binary = new byte[512];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) i;
        }
        byte[] max = new byte[MAX];
        new SecureRandom().nextBytes(max);
        return Stream.of(
                Arguments.of("empty", new byte[0]),
                Arguments.of("one byte", new byte[] {42}),
                Arguments.of("one zero byte", new byte[] {0}),
                Arguments.of("text", "pässwörd: \u6f22\u5b57 \uD83D\uDD11\n".getBytes(StandardCharsets.UTF_8)),
                Arguments.of("binary, every byte value", binary),
                Arguments.of("exactly the maximum size", max));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("secrets")
    void sealEnvelope_thenUnseal_returnsTheSecret(String description, byte[] secret) {
        String sealed = sealer.sealEnvelope(secret.clone(), "aliyun", "key-test", SETTINGS);

        assertThat(sealer.unseal(sealed)).isEqualTo(secret);
    }

    @Test
    void sealEnvelope_payload_isTheCdhEnvelope() throws Exception {
        byte[] secret = "hello".getBytes(StandardCharsets.UTF_8);

        ObjectNode payload = payloadOf(sealer.sealEnvelope(secret, "aliyun", "alias/my-key", SETTINGS));

        assertThat(payload.get("version").textValue()).isEqualTo("0.1.0");
        assertThat(payload.get("type").textValue()).isEqualTo("envelope");
        assertThat(payload.get("provider").textValue()).isEqualTo("aliyun");
        assertThat(payload.get("key_id").textValue()).isEqualTo("alias/my-key");
        assertThat(payload.get("wrap_type").textValue()).isEqualTo("A256GCM");
        assertThat(Base64.getDecoder().decode(payload.get("iv").textValue())).hasSize(12);
        assertThat(Base64.getDecoder().decode(payload.get("encrypted_data").textValue()))
                .hasSize(secret.length + 16);
        assertThat(payload.get("provider_settings").get("client_key_id").textValue())
                .isEqualTo("KAAP.fake");
        assertThat(payload.get("provider_settings").get("kms_instance_id").textValue())
                .isEqualTo("kst-fake");
        assertThat(payload.get("annotations").get("iv").textValue()).isNotEmpty();
    }

    @Test
    void sealEnvelope_data_isAesGcmNoAadTagAppended_underTheWrappedDataKey() throws Exception {
        byte[] secret = "independently decrypted".getBytes(StandardCharsets.UTF_8);
        ObjectNode payload = payloadOf(sealer.sealEnvelope(secret, "aliyun", "key-test", SETTINGS));
        byte[] dataKey = kms.unwrap(
                "key-test",
                b64(payload, "encrypted_key"),
                Map.of("iv", payload.get("annotations").get("iv").textValue()));

        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(
                Cipher.DECRYPT_MODE, new SecretKeySpec(dataKey, "AES"), new GCMParameterSpec(128, b64(payload, "iv")));

        assertThat(dataKey).hasSize(32);
        assertThat(cipher.doFinal(b64(payload, "encrypted_data"))).isEqualTo(secret);
    }

    @Test
    void sealEnvelope_noKeyId_usesTheProviderDefault() throws Exception {
        ObjectNode payload = payloadOf(sealer.sealEnvelope(new byte[] {1}, "aliyun", null, SETTINGS));

        assertThat(payload.get("key_id").textValue()).isEqualTo("key-default");
    }

    @Test
    void sealEnvelope_twice_usesAFreshDataKeyAndIvEachTime() throws Exception {
        byte[] secret = "same secret".getBytes(StandardCharsets.UTF_8);

        ObjectNode first = payloadOf(sealer.sealEnvelope(secret, "aliyun", "key-test", SETTINGS));
        ObjectNode second = payloadOf(sealer.sealEnvelope(secret, "aliyun", "key-test", SETTINGS));

        for (String field : List.of("encrypted_key", "iv", "encrypted_data")) {
            assertThat(first.get(field)).as(field).isNotEqualTo(second.get(field));
        }
        byte[] firstKey = kms.unwrap(
                "key-test",
                b64(first, "encrypted_key"),
                Map.of("iv", first.get("annotations").get("iv").textValue()));
        byte[] secondKey = kms.unwrap(
                "key-test",
                b64(second, "encrypted_key"),
                Map.of("iv", second.get("annotations").get("iv").textValue()));
        assertThat(firstKey).isNotEqualTo(secondKey);
        assertThat(firstKey).isNotEqualTo(new byte[32]);
    }

    @Test
    void sealEnvelope_dataKey_isWipedAfterUse() {
        sealer.sealEnvelope("x".getBytes(StandardCharsets.UTF_8), "aliyun", "key-test", SETTINGS);

        assertThat(kms.encryptedPlaintexts).hasSize(1);
        assertThat(kms.encryptedPlaintexts.get(0)).hasSize(32).containsOnly((byte) 0);
    }

    @Test
    void unseal_dataKeyFromKms_isWipedAfterUse_alsoOnFailure() throws Exception {
        String sealed = sealer.sealEnvelope("x".getBytes(StandardCharsets.UTF_8), "aliyun", "key-test", SETTINGS);
        sealer.unseal(sealed);
        String tampered = resigned(
                sealed,
                p -> p.put(
                        "encrypted_data", flipFirstBit(p.get("encrypted_data").textValue())));
        catchThrowableOfType(SealerException.class, () -> sealer.unseal(tampered));

        assertThat(kms.returnedPlaintexts).hasSize(2);
        assertThat(kms.returnedPlaintexts)
                .allSatisfy(key -> assertThat(key).hasSize(32).containsOnly((byte) 0));
    }

    @Test
    void unseal_surroundingWhiteSpace_isIgnored() {
        String sealed = sealer.sealEnvelope(new byte[] {7}, "aliyun", "key-test", SETTINGS);

        assertThat(sealer.unseal("  \n" + sealed + "\r\n")).containsExactly(7);
    }

    // ---- size limits --------------------------------------------------------------------------------

    @Test
    void sealEnvelope_overTheMaximum_isPayloadTooLarge() {
        SealerException e = catchThrowableOfType(
                SealerException.class, () -> sealer.sealEnvelope(new byte[MAX + 1], "aliyun", "key-test", SETTINGS));

        assertThat(e.errorCode()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE);
        assertThat(kms.encryptedPlaintexts).isEmpty();
    }

    @Test
    void unseal_secretLargerThanThisInstanceAllows_isPayloadTooLarge() {
        String sealed =
                sealer(signingKey, 2 * MAX, false).sealEnvelope(new byte[MAX + 1], "aliyun", "key-test", SETTINGS);

        SealerException e = catchThrowableOfType(SealerException.class, () -> sealer.unseal(sealed));

        assertThat(e.errorCode()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE);
        assertThat(kms.returnedPlaintexts)
                .as("rejected before the KMS is asked")
                .isEmpty();
    }

    @Test
    void unseal_stringFarLongerThanAnySealedSecret_isPayloadTooLarge() {
        String huge = "sealed." + "A".repeat((int) sealer.limits().maxSealedChars() + 2048);

        assertThat(codeOf(() -> sealer.unseal(huge))).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE);
    }

    @Test
    void sealEnvelope_defaultMaximumOfOneMebibyte_roundTripsWithinTheSealedLengthLimit() {
        SecretSealer large = sealer(signingKey, 1 << 20, false);
        byte[] secret = new byte[1 << 20];
        new SecureRandom().nextBytes(secret);

        String sealed = large.sealEnvelope(secret, "aliyun", "key-test", SETTINGS);

        assertThat((long) sealed.length()).isLessThanOrEqualTo(large.limits().maxSealedChars());
        assertThat(large.unseal(sealed)).isEqualTo(secret);
    }

    // ---- tampered or malformed envelopes, re-signed so that only the checked field is wrong ---------

    @Test
    void unseal_encryptedDataTamperedAndResigned_isDecryptionFailed() {
        byte[] secret = "do not leak me".getBytes(StandardCharsets.UTF_8);
        String sealed = sealer.sealEnvelope(secret, "aliyun", "key-test", SETTINGS);
        byte[] data = Base64.getDecoder().decode(field(sealed, "encrypted_data"));

        for (int bit : new int[] {0, 7, (secret.length - 1) * 8, secret.length * 8, data.length * 8 - 1}) {
            byte[] flipped = data.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            String tampered = resigned(
                    sealed, p -> p.put("encrypted_data", Base64.getEncoder().encodeToString(flipped)));

            SealerException e = catchThrowableOfType(SealerException.class, () -> sealer.unseal(tampered));

            assertThat(e.errorCode()).as("bit %d", bit).isEqualTo(ErrorCode.DECRYPTION_FAILED);
            assertThat(e.getMessage()).doesNotContain("do not leak me");
        }
    }

    @Test
    void unseal_ivOrDataOfAnotherSecretAndResigned_isDecryptionFailed() {
        String sealed = sealer.sealEnvelope("one".getBytes(StandardCharsets.UTF_8), "aliyun", "key-test", SETTINGS);
        String other = sealer.sealEnvelope("two".getBytes(StandardCharsets.UTF_8), "aliyun", "key-test", SETTINGS);

        assertThat(codeOf(() -> sealer.unseal(resigned(sealed, p -> p.put("iv", field(other, "iv"))))))
                .isEqualTo(ErrorCode.DECRYPTION_FAILED);
        assertThat(codeOf(() ->
                        sealer.unseal(resigned(sealed, p -> p.put("encrypted_data", field(other, "encrypted_data"))))))
                .isEqualTo(ErrorCode.DECRYPTION_FAILED);
    }

    @Test
    void unseal_gcmTagCutShort_isRejected() {
        String sealed = sealer.sealEnvelope("secret".getBytes(StandardCharsets.UTF_8), "aliyun", "key-test", SETTINGS);
        byte[] data = Base64.getDecoder().decode(field(sealed, "encrypted_data"));

        for (int keep : new int[] {data.length - 1, data.length - 4, 16, 15, 1, 0}) {
            String cut = resigned(
                    sealed,
                    p -> p.put("encrypted_data", Base64.getEncoder().encodeToString(Arrays.copyOf(data, keep))));
            assertThat(codeOf(() -> sealer.unseal(cut)))
                    .as("%d bytes kept", keep)
                    .isEqualTo(keep >= 16 ? ErrorCode.DECRYPTION_FAILED : ErrorCode.MALFORMED_SEALED_SECRET);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 8, 11, 13, 16, 32})
    void unseal_gcmIvOfWrongLength_isMalformed(int length) {
        String sealed = sealer.sealEnvelope("secret".getBytes(StandardCharsets.UTF_8), "aliyun", "key-test", SETTINGS);

        String tampered = resigned(sealed, p -> p.put("iv", Base64.getEncoder().encodeToString(new byte[length])));

        SealerException e = catchThrowableOfType(SealerException.class, () -> sealer.unseal(tampered));
        assertThat(e.errorCode()).isEqualTo(ErrorCode.MALFORMED_SEALED_SECRET);
        assertThat(e.getMessage()).contains("'iv'");
    }

    static Stream<Arguments> badStandardBase64() {
        return Stream.of(
                        "!!!!",
                        "AAA",
                        "AA",
                        "AA=A",
                        "AAAA=",
                        "AAAAA",
                        "A===",
                        "-_-_",
                        "AB_-",
                        "AAAA\n",
                        " AAAA",
                        "AA==AA==",
                        "AB==",
                        "AAB=")
                .map(Arguments::of);
    }

    @ParameterizedTest
    @MethodSource("badStandardBase64")
    void unseal_base64FieldsNotStrictStandardBase64_isInvalidBase64(String bad) {
        String sealed = sealer.sealEnvelope("secret".getBytes(StandardCharsets.UTF_8), "aliyun", "key-test", SETTINGS);

        for (String field : List.of("encrypted_key", "encrypted_data", "iv")) {
            String tampered = resigned(sealed, p -> p.put(field, bad));
            SealerException e = catchThrowableOfType(SealerException.class, () -> sealer.unseal(tampered));
            assertThat(e.errorCode()).as("%s = %s", field, bad).isEqualTo(ErrorCode.INVALID_BASE64);
            assertThat(e.getMessage()).contains("'" + field + "'");
        }
    }

    @Test
    void unseal_encryptedKeyEmptyOrOversized_isMalformed() {
        String sealed = sealer.sealEnvelope("secret".getBytes(StandardCharsets.UTF_8), "aliyun", "key-test", SETTINGS);

        assertThat(codeOf(() -> sealer.unseal(resigned(sealed, p -> p.put("encrypted_key", "")))))
                .isEqualTo(ErrorCode.MALFORMED_SEALED_SECRET);
        assertThat(codeOf(() -> sealer.unseal(resigned(
                        sealed, p -> p.put("encrypted_key", Base64.getEncoder().encodeToString(new byte[4097]))))))
                .isEqualTo(ErrorCode.MALFORMED_SEALED_SECRET);
    }

    @ParameterizedTest
    @ValueSource(strings = {"A128GCM", "a256gcm", "A256CBC", "A256GCMKW", "", "dir"})
    void unseal_unknownWrapType_isUnsupportedWrapType(String wrapType) {
        String sealed = sealer.sealEnvelope("secret".getBytes(StandardCharsets.UTF_8), "aliyun", "key-test", SETTINGS);

        assertThat(codeOf(() -> sealer.unseal(resigned(sealed, p -> p.put("wrap_type", wrapType)))))
                .isEqualTo(ErrorCode.UNSUPPORTED_WRAP_TYPE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"../key", "alias/../x", "a/b", "..", "", "alias/", "key\u0000"})
    void unseal_keyIdNotSafe_isInvalidId(String keyId) {
        String sealed = sealer.sealEnvelope("secret".getBytes(StandardCharsets.UTF_8), "aliyun", "key-test", SETTINGS);

        assertThat(codeOf(() -> sealer.unseal(resigned(sealed, p -> p.put("key_id", keyId)))))
                .isEqualTo(ErrorCode.INVALID_ID);
        assertThat(kms.returnedPlaintexts).isEmpty();
    }

    @Test
    void sealEnvelope_keyIdNotSafe_isInvalidId() {
        assertThat(codeOf(() -> sealer.sealEnvelope(new byte[1], "aliyun", "../key", SETTINGS)))
                .isEqualTo(ErrorCode.INVALID_ID);
        assertThat(kms.encryptedPlaintexts).isEmpty();
    }

    @Test
    void unseal_wrongVersionInASignedPayload_isUnsupportedVersionBeforeProvider() {
        String sealed = sealer.sealEnvelope("secret".getBytes(StandardCharsets.UTF_8), "aliyun", "key-test", SETTINGS);

        String tampered = resigned(
                sealed, p -> p.put("version", "0.2.0").put("provider", "nope").put("wrap_type", "nope"));

        assertThat(codeOf(() -> sealer.unseal(tampered))).isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
    }

    // ---- A256CTR, written by older CDH tools ---------------------------------------------------------

    @Test
    void unseal_a256ctrEnvelopeBuiltIndependently_returnsTheSecret() throws Exception {
        byte[] secret = "written by an older CDH tool".getBytes(StandardCharsets.UTF_8);
        byte[] dataKey = new byte[32];
        byte[] iv = new byte[16];
        new SecureRandom().nextBytes(dataKey);
        new SecureRandom().nextBytes(iv);
        Cipher ctr = Cipher.getInstance("AES/CTR/NoPadding");
        ctr.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(dataKey, "AES"), new IvParameterSpec(iv));
        ObjectNode payload =
                envelopePayload("A256CTR", kms.encrypt("key-ctr", dataKey.clone()), "key-ctr", iv, ctr.doFinal(secret));

        String sealed = SealedSecretJws.sign(signingKey, payload.toString().getBytes(StandardCharsets.UTF_8));

        assertThat(sealer.unseal(sealed)).isEqualTo(secret);
    }

    @Test
    void unseal_a256ctrWithGcmSizedIv_isMalformed() throws Exception {
        ObjectNode payload =
                envelopePayload("A256CTR", kms.encrypt("key-ctr", new byte[32]), "key-ctr", new byte[12], new byte[5]);

        String sealed = SealedSecretJws.sign(signingKey, payload.toString().getBytes(StandardCharsets.UTF_8));

        assertThat(codeOf(() -> sealer.unseal(sealed))).isEqualTo(ErrorCode.MALFORMED_SEALED_SECRET);
    }

    @Test
    void unseal_gcmEnvelopeBuiltAndSignedWithNimbus_returnsTheSecret() throws Exception {
        byte[] secret = "sealed by an independent implementation".getBytes(StandardCharsets.UTF_8);
        byte[] dataKey = new byte[32];
        byte[] iv = new byte[12];
        new SecureRandom().nextBytes(dataKey);
        new SecureRandom().nextBytes(iv);
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(dataKey, "AES"), new GCMParameterSpec(128, iv));
        ObjectNode payload =
                envelopePayload("A256GCM", kms.encrypt("key-gcm", dataKey.clone()), "key-gcm", iv, gcm.doFinal(secret));
        JWSObject jws = new JWSObject(
                new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(KID).build(),
                new Payload(payload.toString().getBytes(StandardCharsets.UTF_8)));
        jws.sign(new ECDSASigner(signingKey.privateKey()));

        assertThat(sealer.unseal("sealed." + jws.serialize())).isEqualTo(secret);
    }

    // ---- providers and the KMS's answers -------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"aws", "kbs", "ehsm", "", "aliyun "})
    void sealAndUnseal_unknownProvider_isUnsupportedProvider(String provider) {
        String sealed = sealer.sealEnvelope("secret".getBytes(StandardCharsets.UTF_8), "aliyun", "key-test", SETTINGS);

        assertThat(codeOf(() -> sealer.sealEnvelope(new byte[1], provider, "key-test", SETTINGS)))
                .isEqualTo(ErrorCode.UNSUPPORTED_PROVIDER);
        assertThat(codeOf(() -> sealer.sealVault(provider, "name", SETTINGS, Map.of())))
                .isEqualTo(ErrorCode.UNSUPPORTED_PROVIDER);
        assertThat(codeOf(() -> sealer.unseal(resigned(sealed, p -> p.put("provider", provider)))))
                .isEqualTo(ErrorCode.UNSUPPORTED_PROVIDER);
        assertThat(codeOf(() -> sealer.sealEnvelope(new byte[1], null, "key-test", SETTINGS)))
                .isEqualTo(ErrorCode.UNSUPPORTED_PROVIDER);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Aliyun", "ALIYUN", "aLiYuN"})
    void unseal_providerInAnotherCase_opens_asTheCdhComparesCaseInsensitively(String provider) {
        String sealed = sealer.sealEnvelope("secret".getBytes(StandardCharsets.UTF_8), "aliyun", "key-test", SETTINGS);

        assertThat(sealer.unseal(resigned(sealed, p -> p.put("provider", provider))))
                .isEqualTo("secret".getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 16, 31, 33, 64})
    void unseal_wrappedKeyThatIsNoAes256Key_isMalformed_andWiped(int length) {
        String sealed = sealer.sealEnvelope("secret".getBytes(StandardCharsets.UTF_8), "aliyun", "key-test", SETTINGS);
        kms.decryptOverride = new byte[length];
        Arrays.fill(kms.decryptOverride, (byte) 0x5a);

        SealerException e = catchThrowableOfType(SealerException.class, () -> sealer.unseal(sealed));

        assertThat(e.errorCode())
                .as("the KMS opened what the signer wrapped")
                .isEqualTo(ErrorCode.MALFORMED_SEALED_SECRET);
        assertThat(kms.returnedPlaintexts.get(0)).as("wiped").isEqualTo(new byte[length]);
    }

    @Test
    void unseal_providerSettingsAndAnnotations_reachTheKmsAsWritten() {
        String sealed = sealer.sealEnvelope("secret".getBytes(StandardCharsets.UTF_8), "aliyun", "key-test", SETTINGS);
        kms.clientSettings.clear();

        sealer.unseal(sealed);

        assertThat(kms.clientSettings).hasSize(1);
        assertThat(kms.clientSettings.get(0)).containsAllEntriesOf(SETTINGS).containsEntry("client_type", "client_key");
    }

    // ---- vault ----------------------------------------------------------------------------------------

    @Test
    void unseal_vault_callsGetSecretWithNameAndAnnotations() throws Exception {
        kms.vault.put("db-password", "hunter2".getBytes(StandardCharsets.UTF_8));
        Map<String, String> annotations = Map.of("version_stage", "ACSCurrent", "version_id", "v7");

        String sealed = sealer.sealVault("aliyun", "db-password", SETTINGS, annotations);

        assertThat(sealer.unseal(sealed)).isEqualTo("hunter2".getBytes(StandardCharsets.UTF_8));
        assertThat(kms.secretCalls).containsExactly(new InMemoryKms.SecretCall("db-password", annotations));
        assertThat(kms.clientSettings.get(kms.clientSettings.size() - 1)).containsAllEntriesOf(SETTINGS);
        ObjectNode payload = payloadOf(sealed);
        assertThat(payload.get("type").textValue()).isEqualTo("vault");
        assertThat(payload.get("name").textValue()).isEqualTo("db-password");
        assertThat(kms.encryptedPlaintexts)
                .as("sealing a vault pointer calls no KMS")
                .isEmpty();
    }

    @Test
    void sealVault_emptyName_isInvalidRequest() {
        assertThat(codeOf(() -> sealer.sealVault("aliyun", "", SETTINGS, Map.of())))
                .isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(codeOf(() -> sealer.sealVault("aliyun", null, SETTINGS, Map.of())))
                .isEqualTo(ErrorCode.INVALID_REQUEST);
    }

    // ---- signatures: legacy form, skip switch, no signing key -------------------------------------------

    @Test
    void unseal_legacyUnsignedForm_isSignatureRequired() {
        String legacy = legacyOf(
                sealer.sealEnvelope("legacy".getBytes(StandardCharsets.UTF_8), "aliyun", "key-test", SETTINGS));

        assertThat(codeOf(() -> sealer.unseal(legacy))).isEqualTo(ErrorCode.SIGNATURE_REQUIRED);
        assertThat(kms.returnedPlaintexts).isEmpty();
    }

    @Test
    void unseal_legacyUnsignedForm_withSkipVerification_returnsTheSecret() {
        String legacy = legacyOf(
                sealer.sealEnvelope("legacy".getBytes(StandardCharsets.UTF_8), "aliyun", "key-test", SETTINGS));

        assertThat(sealer(null, MAX, true).unseal(legacy)).isEqualTo("legacy".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void unseal_withSkipVerification_stillChecksThePayload() {
        String legacy =
                "sealed.fakejwsheader." + SealedSecretJwsTest.urlB64("{\"version\":\"0.0.9\"}") + ".fakesignature";

        assertThat(codeOf(() -> sealer(null, MAX, true).unseal(legacy))).isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
    }

    @Test
    void unseal_signedWithAnUninstalledKey_isUnknownKid() {
        SecretSealer other = sealer(SigningKey.generate("other-kid"), MAX, false);

        String sealed = other.sealEnvelope(new byte[] {1}, "aliyun", "key-test", SETTINGS);

        assertThat(codeOf(() -> sealer.unseal(sealed))).isEqualTo(ErrorCode.UNKNOWN_KID);
    }

    @Test
    void unseal_payloadSwappedBetweenTwoSignedSecrets_isSignatureInvalid() {
        String[] first = sealer.sealEnvelope("one".getBytes(StandardCharsets.UTF_8), "aliyun", "key-test", SETTINGS)
                .split("\\.");
        String[] second = sealer.sealEnvelope("two".getBytes(StandardCharsets.UTF_8), "aliyun", "key-test", SETTINGS)
                .split("\\.");

        assertThat(codeOf(() -> sealer.unseal(String.join(".", first[0], first[1], second[2], first[3]))))
                .isEqualTo(ErrorCode.SIGNATURE_INVALID);
    }

    @Test
    void seal_withoutSigningKey_isNotConfigured_butUnsealWorks() {
        String sealed = sealer.sealEnvelope("x".getBytes(StandardCharsets.UTF_8), "aliyun", "key-test", SETTINGS);
        SecretSealer unsealOnly = sealer(null, MAX, false);

        assertThat(codeOf(() -> unsealOnly.sealEnvelope(new byte[1], "aliyun", "key-test", SETTINGS)))
                .isEqualTo(ErrorCode.NOT_CONFIGURED);
        assertThat(codeOf(() -> unsealOnly.sealVault("aliyun", "name", SETTINGS, Map.of())))
                .isEqualTo(ErrorCode.NOT_CONFIGURED);
        assertThat(kms.encryptedPlaintexts).hasSize(1);
        assertThat(unsealOnly.unseal(sealed)).isEqualTo("x".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void unseal_null_isInvalidRequest() {
        assertThat(codeOf(() -> sealer.unseal(null))).isEqualTo(ErrorCode.INVALID_REQUEST);
    }

    @Test
    void utf8OrNull_text_isDecoded_binary_isNull() {
        assertThat(Texts.utf8OrNull("pässwörd".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("pässwörd");
        assertThat(Texts.utf8OrNull(new byte[] {(byte) 0xff, (byte) 0xfe})).isNull();
        assertThat(Texts.utf8OrNull(new byte[0])).isEmpty();
    }

    // ---- helpers -------------------------------------------------------------------------------------

    private static ObjectNode payloadOf(String sealed) throws IOException {
        return (ObjectNode) JSON.readTree(Base64.getUrlDecoder().decode(sealed.split("\\.")[2]));
    }

    private static String field(String sealed, String name) {
        try {
            return payloadOf(sealed).get(name).textValue();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] b64(ObjectNode payload, String field) {
        return Base64.getDecoder().decode(payload.get(field).textValue());
    }

    /** The sealed secret's payload changed by {@code change}, signed again with the valid key. */
    private String resigned(String sealed, Consumer<ObjectNode> change) {
        try {
            ObjectNode payload = payloadOf(sealed);
            change.accept(payload);
            return SealedSecretJws.sign(signingKey, payload.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String legacyOf(String sealed) {
        return "sealed.fakejwsheader." + sealed.split("\\.")[2] + ".fakesignature";
    }

    private static ObjectNode envelopePayload(
            String wrapType, WrappedKey wrapped, String keyId, byte[] iv, byte[] data) {
        ObjectNode payload = JSON.createObjectNode()
                .put("version", "0.1.0")
                .put("type", "envelope")
                .put("provider", "aliyun")
                .put("key_id", keyId)
                .put("encrypted_key", Base64.getEncoder().encodeToString(wrapped.ciphertext()))
                .put("encrypted_data", Base64.getEncoder().encodeToString(data))
                .put("wrap_type", wrapType)
                .put("iv", Base64.getEncoder().encodeToString(iv));
        ObjectNode settings = payload.putObject("provider_settings");
        SETTINGS.forEach(settings::put);
        ObjectNode annotations = payload.putObject("annotations");
        wrapped.annotations().forEach(annotations::put);
        return payload;
    }

    private static String flipFirstBit(String base64) {
        byte[] bytes = Base64.getDecoder().decode(base64);
        bytes[0] ^= (byte) 0x80;
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static ErrorCode codeOf(Runnable action) {
        try {
            action.run();
        } catch (SealerException e) {
            return e.errorCode();
        }
        return null;
    }
}
