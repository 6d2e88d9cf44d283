package dev.sealer.testsupport;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.jwk.ECKey;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.util.Base64;

/**
 * Sealed strings as the CDH's tools write them and as the kata agent hands them to the CDH, built without any
 * production class: the {@code secret} CLI's header {@code {"b64":true,"alg":"ES256","kid":...}} (jose-jws 0.1.2
 * {@code Protected} serializes {@code b64} first), any header or payload bytes verbatim, JDK ECDSA (r||s); and
 * the forms a pod receives (guest-components 8246e5e, {@code hub/src/secret/mod.rs}; kata-containers 7c6ba40,
 * {@code src/agent}: env values and file contents unchanged), e.g. {@code jq -r .sealed > file} with its line break.
 */
public final class CdhTools {

    public static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

    private CdhTools() {}

    /** The {@code secret} CLI's protected header for a kid. */
    public static String cliHeader(String kid) {
        return "{\"b64\":true,\"alg\":\"ES256\",\"kid\":\"" + kid + "\"}";
    }

    /** {@code sealed.<header>.<payload>.<signature>} over the given bytes, verbatim. */
    public static String sealed(ECKey key, String header, byte[] payload) {
        try {
            String signingInput =
                    URL.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "." + URL.encodeToString(payload);
            Signature ecdsa = Signature.getInstance("SHA256withECDSAinP1363Format");
            ecdsa.initSign((ECPrivateKey) key.toECPrivateKey());
            ecdsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return "sealed." + signingInput + "." + URL.encodeToString(ecdsa.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sealed(ECKey key, String kid, ObjectNode payload) {
        try {
            return sealed(key, cliHeader(kid), JSON.writeValueAsBytes(payload));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The CLI's Aliyun vault payload with client-key settings and empty annotations, as it writes them. */
    public static ObjectNode vault(String name, String clientKeyId, String instanceId) {
        ObjectNode payload = JSON.createObjectNode()
                .put("version", "0.1.0")
                .put("type", "vault")
                .put("name", name)
                .put("provider", "aliyun");
        payload.putObject("provider_settings")
                .put("client_key_id", clientKeyId)
                .put("kms_instance_id", instanceId)
                .put("client_type", "client_key");
        payload.putObject("annotations");
        return payload;
    }

    /** What {@code jq -r .sealed > file} writes, and a Secret's file (or env value) then holds: a line break after. */
    public static String asJqWroteIt(String sealed) {
        return sealed + "\n";
    }
}
