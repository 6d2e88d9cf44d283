package dev.sealer.kms.aliyun;

import dev.sealer.ErrorCode;
import dev.sealer.SafeIds;
import dev.sealer.SealerException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The typed form of a sealed secret's {@code provider_settings} for the {@code aliyun} provider:
 * which client key reaches which KMS instance. Public values; validated here because they are
 * untrusted input that ends up in file names.
 */
public record AliyunProviderSettings(String clientKeyId, String kmsInstanceId) {

    public static final String CLIENT_KEY_ID = "client_key_id";
    public static final String KMS_INSTANCE_ID = "kms_instance_id";
    public static final String CLIENT_TYPE = "client_type";
    public static final String CLIENT_TYPE_CLIENT_KEY = "client_key";

    public AliyunProviderSettings {
        SafeIds.require("provider_settings." + CLIENT_KEY_ID, clientKeyId);
        SafeIds.require("provider_settings." + KMS_INSTANCE_ID, kmsInstanceId);
    }

    /** The settings as written into a sealed secret, {@code client_type} included (as newer CDH tools do). */
    public Map<String, String> toMap() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put(CLIENT_KEY_ID, clientKeyId);
        map.put(KMS_INSTANCE_ID, kmsInstanceId);
        map.put(CLIENT_TYPE, CLIENT_TYPE_CLIENT_KEY);
        return map;
    }

    /**
     * @param settings untrusted settings; a missing {@code client_type} means {@code client_key}
     *     (older tools do not write it), other client types are not supported by this driver
     * @param defaultClientKeyId used when {@code client_key_id} is absent (may be null)
     * @param defaultInstanceId used when {@code kms_instance_id} is absent (may be null)
     */
    public static AliyunProviderSettings from(Map<String, String> settings, String defaultClientKeyId,
            String defaultInstanceId) {
        String clientType = settings.get(CLIENT_TYPE);
        if (clientType != null && !CLIENT_TYPE_CLIENT_KEY.equals(clientType)) {
            throw new SealerException(ErrorCode.UNSUPPORTED_CLIENT_TYPE, "field 'provider_settings." + CLIENT_TYPE
                    + "': only '" + CLIENT_TYPE_CLIENT_KEY + "' is supported by this driver"
                    + " (ecs_ram_role and sts_token are not)");
        }
        return new AliyunProviderSettings(settings.getOrDefault(CLIENT_KEY_ID, defaultClientKeyId),
                settings.getOrDefault(KMS_INSTANCE_ID, defaultInstanceId));
    }
}
