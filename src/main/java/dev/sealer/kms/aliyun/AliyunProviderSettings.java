package dev.sealer.kms.aliyun;

import dev.sealer.CallerFaultException;
import dev.sealer.ErrorCode;
import dev.sealer.SafeIds;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The typed form of a sealed secret's {@code provider_settings} for the {@code aliyun} provider with
 * client-key access ({@code client_type} {@code client_key}; the other client types are in
 * {@link AliyunClientSettings}, which reads the settings first): which client key reaches which KMS instance. Public values; validated here
 * because they are untrusted input that ends up in file names.
 *
 * <p>{@link #fromSealedSecret} is as tolerant as the CDH (members it does not use are ignored; a
 * missing {@code client_type} means {@code client_key}); seal requests are checked strictly first by
 * {@link AliyunClientSettings#fromSealRequest}.
 */
public record AliyunProviderSettings(String clientKeyId, String kmsInstanceId) implements AliyunClientSettings {

    public static final String CLIENT_KEY_ID = "client_key_id";
    public static final String KMS_INSTANCE_ID = "kms_instance_id";
    public static final String CLIENT_TYPE = "client_type";
    public static final String CLIENT_TYPE_CLIENT_KEY = "client_key";

    public AliyunProviderSettings {
        SafeIds.require("provider_settings." + CLIENT_KEY_ID, clientKeyId);
        SafeIds.require("provider_settings." + KMS_INSTANCE_ID, kmsInstanceId);
    }

    /**
     * The settings as written into a sealed secret, {@code client_type} included (the CDH requires it).
     */
    @Override
    public Map<String, String> toMap() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put(CLIENT_KEY_ID, clientKeyId);
        map.put(KMS_INSTANCE_ID, kmsInstanceId);
        map.put(CLIENT_TYPE, CLIENT_TYPE_CLIENT_KEY);
        return map;
    }

    /**
     * @param defaults used for members that are absent
     */
    public static AliyunProviderSettings fromSealedSecret(Map<String, String> settings, Defaults defaults) {
        requireClientKeyType(settings);
        return new AliyunProviderSettings(
                member(settings, CLIENT_KEY_ID, defaults.clientKeyId()),
                member(settings, KMS_INSTANCE_ID, defaults.instanceId()));
    }

    /** The configured defaults for absent members; either may be null (then the member is required). */
    public record Defaults(String clientKeyId, String instanceId) {}

    private static void requireClientKeyType(Map<String, String> settings) {
        if (!settings.containsKey(CLIENT_TYPE)) {
            return;
        }
        String clientType = settings.get(CLIENT_TYPE);
        if (!CLIENT_TYPE_CLIENT_KEY.equals(clientType)) {
            throw new CallerFaultException(
                    ErrorCode.UNSUPPORTED_CLIENT_TYPE,
                    "field 'provider_settings." + CLIENT_TYPE
                            + "': must be one of the client types this service supports: " + CLIENT_TYPE_CLIENT_KEY);
        }
    }

    private static String member(Map<String, String> settings, String name, String fallback) {
        if (settings.containsKey(name)) {
            String value = settings.get(name);
            if (value == null) {
                throw new CallerFaultException(
                        ErrorCode.INVALID_ID, "field 'provider_settings." + name + "': must be a string");
            }
            return value;
        }
        if (fallback == null) {
            throw new CallerFaultException(
                    ErrorCode.INVALID_ID,
                    "field 'provider_settings." + name + "': missing, and this service has no default for it");
        }
        return fallback;
    }
}
