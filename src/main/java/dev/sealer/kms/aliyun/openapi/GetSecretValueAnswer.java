package dev.sealer.kms.aliyun.openapi;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The members of a KMS OpenAPI {@code GetSecretValue} answer this service reads. {@code SecretData}
 * is secret: {@link #toString()} leaves it out.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record GetSecretValueAnswer(
        @JsonProperty("SecretData") String secretData,
        @JsonProperty("SecretDataType") String secretDataType,
        @JsonProperty("VersionId") String versionId,
        @JsonProperty("RequestId") String requestId) {

    @Override
    public String toString() {
        return "GetSecretValueAnswer[versionId=" + versionId + ", requestId=" + requestId + "]";
    }
}
