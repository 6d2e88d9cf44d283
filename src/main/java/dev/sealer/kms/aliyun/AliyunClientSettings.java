package dev.sealer.kms.aliyun;

import dev.sealer.CallerFaultException;
import dev.sealer.ErrorCode;
import dev.sealer.SafeIds;
import dev.sealer.credentials.ram.AliyunRegions;
import dev.sealer.credentials.ram.StsTokenFiles;
import dev.sealer.kms.KmsProvider;
import dev.sealer.kms.ProviderSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The typed {@code provider_settings} of the {@code aliyun} provider, read once, one record per client type of
 * the CDH ({@code client_type}, matched case-sensitively like the CDH):
 *
 * <ul>
 *   <li>{@code client_key} ({@link ClientKey}): which client key reaches which KMS instance, for envelope and
 *       vault secrets; a missing {@code client_type} means this one;
 *   <li>{@code ecs_ram_role} ({@link EcsRamRole}): nothing else; the role and region come from
 *       {@code ecsRamRole.json} in the credential folder; vault secrets only;
 *   <li>{@code sts_token} ({@link StsToken}): {@code token_path} and {@code region_id}; vault secrets only.
 * </ul>
 *
 * Public values, validated here because they are untrusted input that ends up in file names and host
 * names. {@link #fromSealedSecret} is as tolerant as the CDH (members it does not use are ignored);
 * {@link #fromSealRequest} is strict (an unknown member is an error, and so is a relative {@code token_path},
 * which a stock CDH reads from its own working directory), since a mistake there would be signed into a secret. A non-string value of a member arrives as a null map entry.
 */
public sealed interface AliyunClientSettings extends ProviderSettings {

    String CLIENT_TYPE = "client_type";
    String CLIENT_KEY = "client_key";
    String ECS_RAM_ROLE = "ecs_ram_role";
    String STS_TOKEN = "sts_token";
    String CLIENT_KEY_ID = "client_key_id";
    String KMS_INSTANCE_ID = "kms_instance_id";
    String TOKEN_PATH = "token_path";
    String REGION_ID = "region_id";
    List<String> CLIENT_TYPES = List.of(CLIENT_KEY, ECS_RAM_ROLE, STS_TOKEN);

    /** The configured defaults for absent client-key members; either may be null (then the member is required). */
    record Defaults(String clientKeyId, String instanceId) {}

    /** A client key of a KMS instance: envelope and vault secrets, over the KMS-instance API. */
    record ClientKey(String clientKeyId, String kmsInstanceId) implements AliyunClientSettings {
        public ClientKey {
            SafeIds.require("provider_settings." + CLIENT_KEY_ID, clientKeyId);
            SafeIds.require("provider_settings." + KMS_INSTANCE_ID, kmsInstanceId);
        }

        @Override
        public Map<String, String> toMap() {
            Map<String, String> map = new LinkedHashMap<>();
            map.put(CLIENT_KEY_ID, clientKeyId);
            map.put(KMS_INSTANCE_ID, kmsInstanceId);
            map.put(CLIENT_TYPE, CLIENT_KEY);
            return map;
        }
    }

    /** Vault secrets only, through the KMS OpenAPI with the platform's RAM role credentials. */
    record EcsRamRole() implements AliyunClientSettings {
        @Override
        public Map<String, String> toMap() {
            return Map.of(CLIENT_TYPE, ECS_RAM_ROLE);
        }
    }

    /** Vault secrets only, through the KMS OpenAPI with the credentials of a token file. */
    record StsToken(String tokenPath, String regionId) implements AliyunClientSettings {
        public StsToken {
            StsTokenFiles.requireWellFormed(tokenPath);
            AliyunRegions.require("provider_settings." + REGION_ID, regionId);
        }

        @Override
        public Map<String, String> toMap() {
            Map<String, String> map = new LinkedHashMap<>();
            map.put(TOKEN_PATH, tokenPath);
            map.put(REGION_ID, regionId);
            map.put(CLIENT_TYPE, STS_TOKEN);
            return map;
        }
    }

    /** Reads a sealed secret's settings; absent client-key members fall back to {@code defaults}. */
    static AliyunClientSettings fromSealedSecret(Map<String, String> settings, Defaults defaults) {
        return switch (clientType(settings)) {
            case ECS_RAM_ROLE -> new EcsRamRole();
            case STS_TOKEN -> new StsToken(required(settings, TOKEN_PATH), required(settings, REGION_ID));
            default ->
                new ClientKey(
                        member(settings, CLIENT_KEY_ID, defaults.clientKeyId()),
                        member(settings, KMS_INSTANCE_ID, defaults.instanceId()));
        };
    }

    /**
     * Reads a sealed secret's settings for what it holds: an envelope with a RAM client type is refused for its
     * type before any other member is read, as the CDH does.
     */
    static AliyunClientSettings fromSealedSecret(
            KmsProvider.SealedKind kind, Map<String, String> settings, Defaults defaults) {
        if (kind == KmsProvider.SealedKind.ENVELOPE && !CLIENT_KEY.equals(clientType(settings))) {
            throw envelopeRefused();
        }
        return fromSealedSecret(settings, defaults);
    }

    /**
     * Checks a seal request's settings strictly: only the members of its client type, and a client
     * type that can open what is sealed (RAM credentials cannot open envelopes in the CDH).
     */
    static AliyunClientSettings fromSealRequest(
            KmsProvider.SealedKind kind, Map<String, String> settings, Defaults defaults) {
        String clientType = clientType(settings);
        Set<String> allowed = switch (clientType) {
            case ECS_RAM_ROLE -> Set.of(CLIENT_TYPE);
            case STS_TOKEN -> Set.of(CLIENT_TYPE, TOKEN_PATH, REGION_ID);
            default -> Set.of(CLIENT_TYPE, CLIENT_KEY_ID, KMS_INSTANCE_ID);
        };
        for (String member : settings.keySet()) {
            if (!allowed.contains(member)) {
                throw new CallerFaultException(
                        ErrorCode.INVALID_REQUEST,
                        "field 'provider_settings': unknown member for client_type " + clientType + "; allowed: "
                                + String.join(", ", allowed.stream().sorted().toList()));
            }
        }
        AliyunClientSettings checked = fromSealedSecret(kind, settings, defaults);
        if (checked instanceof StsToken sts && !sts.tokenPath().startsWith("/")) {
            // the CDH's sts_token client reads token_path as given (guest-components 8246e5e,
            // kms/src/plugins/aliyun/client/sts_token_client/mod.rs): relative to its own working directory
            throw new CallerFaultException(
                    ErrorCode.INVALID_ID,
                    "field '" + StsTokenFiles.FIELD + "': must be an absolute path (a stock CDH reads a relative one "
                            + "from its own working directory)");
        }
        return checked;
    }

    /** The CDH's rule: RAM credentials open vault secrets only; envelopes need a client key. */
    static CallerFaultException envelopeRefused() {
        return new CallerFaultException(
                ErrorCode.UNSUPPORTED_CLIENT_TYPE,
                "field 'provider_settings.client_type': "
                        + "ecs_ram_role and sts_token read vault secrets only; an envelope secret needs client_key (as in the CDH)");
    }

    /**
     * The {@code client_type} of settings, checked ({@code client_key} when absent), without reading
     * the other members: so that an envelope with a RAM client type is refused for its type first, as
     * the CDH does.
     */
    private static String clientType(Map<String, String> settings) {
        if (!settings.containsKey(CLIENT_TYPE)) {
            return CLIENT_KEY;
        }
        String clientType = settings.get(CLIENT_TYPE);
        if (clientType == null || !CLIENT_TYPES.contains(clientType)) {
            throw new CallerFaultException(
                    ErrorCode.UNSUPPORTED_CLIENT_TYPE,
                    "field 'provider_settings." + CLIENT_TYPE + "': must be one of " + String.join(", ", CLIENT_TYPES));
        }
        return clientType;
    }

    private static String required(Map<String, String> settings, String member) {
        if (settings.containsKey(member) && settings.get(member) == null) {
            throw notAString(member);
        }
        String value = settings.get(member);
        if (value == null) {
            throw new CallerFaultException(
                    ErrorCode.INVALID_ID,
                    "field 'provider_settings." + member + "': missing (required by " + STS_TOKEN + ")");
        }
        return value;
    }

    /** A client-key member, or its default when absent. */
    private static String member(Map<String, String> settings, String name, String fallback) {
        if (settings.containsKey(name)) {
            String value = settings.get(name);
            if (value == null) {
                throw notAString(name);
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

    private static CallerFaultException notAString(String member) {
        return new CallerFaultException(
                ErrorCode.INVALID_ID, "field 'provider_settings." + member + "': must be a string");
    }
}
