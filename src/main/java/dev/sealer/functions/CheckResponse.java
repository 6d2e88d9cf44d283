package dev.sealer.functions;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * Output of {@code check}: one verdict per sealed string, in input order. Public: it holds what a sealed secret
 * shows anyway (kid, type, provider, client type) and stable codes, never a secret, and nothing was decrypted.
 */
public record CheckResponse(List<Verdict> secrets) {

    /**
     * One sealed string's verdict.
     *
     * @param document the manifest document it came from (0-based; null for {@code sealed})
     * @param secret the Secret's {@code metadata.name} (null for {@code sealed})
     * @param key its key in {@code data} or {@code stringData} (null for {@code sealed})
     * @param valid whether this service opens it (as far as can be told without the KMS)
     * @param error the stable error code unseal would answer when not valid
     * @param signature {@code valid}, {@code invalid}, {@code unsigned} or {@code key_unknown}; absent when the
     *     string is too malformed to reach its signature
     * @param cdhProblems the {@code CdhReason} codes, in their declared order
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({
        "document",
        "secret",
        "key",
        "valid",
        "error",
        "type",
        "provider",
        "client_type",
        "kid",
        "kid_form",
        "signature",
        "opens_in_stock_cdh",
        "cdh_problems"
    })
    public record Verdict(
            Integer document,
            String secret,
            String key,
            boolean valid,
            String error,
            String type,
            String provider,
            @JsonProperty("client_type") String clientType,
            String kid,
            @JsonProperty("kid_form") String kidForm,
            String signature,
            @JsonProperty("opens_in_stock_cdh") boolean opensInStockCdh,

            @JsonProperty("cdh_problems") @JsonInclude(JsonInclude.Include.ALWAYS)
            List<String> cdhProblems) {}
}
