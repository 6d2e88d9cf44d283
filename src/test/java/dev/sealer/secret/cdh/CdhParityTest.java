package dev.sealer.secret.cdh;

import static dev.sealer.secret.cdh.CdhReason.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.sealer.testsupport.CdhTools;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link CdhParity} on sealed strings built as the CDH's tools write them and as the kata agent hands them over
 * ({@link CdhTools}); each case names the reason the audit of issue 24 found, in both directions.
 */
class CdhParityTest {

    private static final String URI_KID = "kbs:///default/sealed-secret/k1";
    private static ECKey key;

    @BeforeAll
    static void key() throws Exception {
        key = new ECKeyGenerator(Curve.P_256).generate();
    }

    private static ObjectNode vault() {
        return CdhTools.vault("db-password", "KAAP.f4c8", "kst-shh64702cf2jvc");
    }

    private static CdhParity.Verdict judge(ObjectNode payload) {
        return CdhParity.judge(CdhTools.sealed(key, URI_KID, payload));
    }

    private static CdhParity.Verdict judgeHeader(String header) {
        return CdhParity.judge(CdhTools.sealed(key, header, vault().toString().getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void cliOutput_asIs_hasNoProblem_andShowsItsFacts() {
        CdhParity.Verdict verdict = judge(vault());

        assertThat(verdict.reasons()).isEmpty();
        assertThat(verdict.kid()).isEqualTo(URI_KID);
        assertThat(verdict.kidForm()).isEqualTo("kbs_uri");
        assertThat(verdict.type()).isEqualTo("vault");
        assertThat(verdict.provider()).isEqualTo("aliyun");
        assertThat(verdict.clientType()).isEqualTo("client_key");
        assertThat(verdict.opensInStockCdh(true, false)).isTrue();
        assertThat(verdict.opensInStockCdh(true, true)).isFalse();
    }

    @Test
    void jqOutputInAFile_withItsLineBreak_isRefusedByTheCdh() {
        String sealed = CdhTools.asJqWroteIt(CdhTools.sealed(key, URI_KID, vault()));

        CdhParity.Verdict verdict = CdhParity.judge(sealed);

        assertThat(verdict.reasons()).containsExactly(SURROUNDING_WHITESPACE);
        assertThat(verdict.opensInStockCdh(true, false)).isFalse();
        assertThat(CdhParity.judge(" " + sealed.strip()).reasons()).containsExactly(SURROUNDING_WHITESPACE);
    }

    @Test
    void prefixForms_theCdhOpens_areNamed() {
        String sealed = CdhTools.sealed(key, URI_KID, vault());

        CdhParity.Verdict bare = CdhParity.judge(sealed.substring("sealed.".length()));
        CdhParity.Verdict twice = CdhParity.judge("sealed." + sealed);

        assertThat(bare.reasons()).containsExactly(NO_PREFIX);
        assertThat(twice.reasons()).containsExactly(REPEATED_PREFIX);
        assertThat(bare.opensInStockCdh(false, false)).isTrue();
        assertThat(twice.opensInStockCdh(false, false)).isTrue();
    }

    @Test
    void providerSettings_missingNullEmptyOrWithoutClientType_areRefusedByTheCdh() {
        ObjectNode missing = vault();
        missing.remove("provider_settings");
        ObjectNode nulled = vault();
        nulled.putNull("provider_settings");
        // the CDH's own `secret seal vault --provider aliyun` without --provider-settings writes {}
        ObjectNode empty = vault();
        empty.putObject("provider_settings");
        ObjectNode noClientType = vault();
        ((ObjectNode) noClientType.get("provider_settings")).remove("client_type");

        assertThat(judge(missing).reasons()).containsExactly(PROVIDER_SETTINGS_MISSING);
        assertThat(judge(nulled).reasons()).containsExactly(PROVIDER_SETTINGS_MISSING);
        assertThat(judge(empty).reasons()).containsExactly(CLIENT_TYPE_MISSING);
        assertThat(judge(noClientType).reasons()).containsExactly(CLIENT_TYPE_MISSING);
        assertThat(judge(noClientType).opensInStockCdh(true, false)).isFalse();
    }

    @Test
    void annotations_missingOrNull_areRefusedByTheCdh() {
        ObjectNode missing = vault();
        missing.remove("annotations");
        ObjectNode nulled = vault();
        nulled.putNull("annotations");

        assertThat(judge(missing).reasons()).containsExactly(ANNOTATIONS_MISSING);
        assertThat(judge(nulled).reasons()).containsExactly(ANNOTATIONS_MISSING);
    }

    @Test
    void relativeTokenPath_isNamed_anAbsoluteOneIsNot() {
        ObjectNode relative = vault();
        relative.putObject("provider_settings")
                .put("client_type", "sts_token")
                .put("token_path", "emulator-sts-token")
                .put("region_id", "cn-hangzhou");
        ObjectNode absolute = relative.deepCopy();
        ((ObjectNode) absolute.get("provider_settings")).put("token_path", "/run/sts/token");

        assertThat(judge(relative).reasons()).containsExactly(TOKEN_PATH_RELATIVE);
        assertThat(judge(relative).clientType()).isEqualTo("sts_token");
        assertThat(judge(absolute).reasons()).isEmpty();
    }

    @Test
    void payloadBytes_serdeRefuses_areNamed() {
        byte[] json = vault().toString().getBytes(StandardCharsets.UTF_8);
        byte[] bom = new byte[json.length + 3];
        bom[0] = (byte) 0xef;
        bom[1] = (byte) 0xbb;
        bom[2] = (byte) 0xbf;
        System.arraycopy(json, 0, bom, 3, json.length);

        assertThat(CdhParity.judge(CdhTools.sealed(key, CdhTools.cliHeader(URI_KID), bom))
                        .reasons())
                .containsExactly(PAYLOAD_BYTE_ORDER_MARK);
        assertThat(CdhParity.judge(CdhTools.sealed(key, CdhTools.cliHeader(URI_KID), (vault() + " x").getBytes()))
                        .reasons())
                .containsExactly(PAYLOAD_TRAILING_DATA);
        assertThat(CdhParity.judge(CdhTools.sealed(key, CdhTools.cliHeader(URI_KID), (vault() + "{}").getBytes()))
                        .reasons())
                .containsExactly(PAYLOAD_TRAILING_DATA);
        // serde_json accepts trailing white space
        assertThat(CdhParity.judge(CdhTools.sealed(key, CdhTools.cliHeader(URI_KID), (vault() + " \n").getBytes()))
                        .reasons())
                .isEmpty();
    }

    @Test
    void headerMembers_joseJwsTypes_malformed_areRefusedByTheCdh() {
        String base = "\"alg\":\"ES256\",\"kid\":\"" + URI_KID + "\"";
        for (String member : new String[] {
            "\"typ\":1",
            "\"cty\":true",
            "\"nonce\":\"not base64url!\"",
            "\"jwk\":\"x\"",
            "\"x5c\":[\"%%\"]",
            "\"x5c\":\"abc\"",
            "\"x5t\":7"
        }) {
            assertThat(judgeHeader("{" + base + "," + member + "}").reasons())
                    .as(member)
                    .containsExactly(HEADER_MEMBER_MALFORMED);
        }
        assertThat(judgeHeader("{" + base + ",\"typ\":\"JOSE\",\"typ2\":1}").reasons())
                .isEmpty();
    }

    @Test
    void headerMembers_theCdhIgnores_areRefusedHere() {
        String base = "\"alg\":\"ES256\",\"kid\":\"" + URI_KID + "\"";

        assertThat(judgeHeader("{\"b64\":false," + base + "}").reasons()).containsExactly(HEADER_B64_FALSE);
        assertThat(judgeHeader("{" + base + ",\"crit\":[\"exp\"],\"exp\":1}").reasons())
                .containsExactly(HEADER_UNKNOWN_CRIT);
        assertThat(judgeHeader("{\"b64\":true," + base + ",\"crit\":[\"b64\"]}").reasons())
                .isEmpty();
        assertThat(judgeHeader("{" + base + ",\"x\":1,\"x\":2}").reasons()).containsExactly(DUPLICATE_UNKNOWN_MEMBER);
        // a duplicate member jose-jws reads is refused by both: not a difference
        assertThat(judgeHeader("{" + base + ",\"typ\":\"a\",\"typ\":\"b\"}").reasons())
                .isEmpty();
    }

    @Test
    void duplicateUnknownPayloadMember_isRefusedHere() {
        String json = vault().toString();
        byte[] payload = (json.substring(0, json.length() - 1) + ",\"note\":1,\"note\":2}").getBytes();

        assertThat(CdhParity.judge(CdhTools.sealed(key, CdhTools.cliHeader(URI_KID), payload))
                        .reasons())
                .containsExactly(DUPLICATE_UNKNOWN_MEMBER);
    }

    @Test
    void kids_theCdhResolves_butThisServiceRefuses_areNamed() {
        assertThat(CdhParity.judge(CdhTools.sealed(key, "kbs:///default/sealed-secret/k1?version=2", vault()))
                        .reasons())
                .containsExactly(KID_QUERY);
        assertThat(CdhParity.judge(
                                CdhTools.sealed(key, "kbs://kbs.example:8080/default/x/../sealed-secret/k1", vault()))
                        .reasons())
                .containsExactly(KID_DOT_SEGMENT);
    }

    @Test
    void fileKid_isANote_notARefusal() {
        CdhParity.Verdict verdict = CdhParity.judge(CdhTools.sealed(key, "team/key-1", vault()));

        assertThat(verdict.reasons()).containsExactly(FILE_KID);
        assertThat(verdict.kidForm()).isEqualTo("file");
        assertThat(verdict.opensInStockCdh(true, false)).isTrue();
    }

    @Test
    void legacyUnsignedForm_isRefusedByAStockCdh() {
        String payload = java.util.Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(vault().toString().getBytes(StandardCharsets.UTF_8));

        CdhParity.Verdict verdict = CdhParity.judge("sealed.fakejwsheader." + payload + ".fakesignature");

        assertThat(verdict.reasons()).containsExactly(LEGACY_UNSIGNED);
        assertThat(verdict.kid()).isNull();
        assertThat(verdict.provider()).isEqualTo("aliyun");
    }

    @Test
    void notASealedSecret_hasNoFacts_andOpensNowhere() {
        for (String input : new String[] {"", "sealed.a.b", "hello", "sealed.%%.%%.%%"}) {
            CdhParity.Verdict verdict = CdhParity.judge(input);
            assertThat(verdict.provider()).as(input).isNull();
            assertThat(verdict.opensInStockCdh(false, false)).as(input).isFalse();
        }
    }
}
