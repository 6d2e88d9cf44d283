package dev.sealer.kms.aliyun;

import dev.sealer.ErrorCode;
import dev.sealer.ServiceFaultException;
import dev.sealer.credentials.CredentialFiles;
import dev.sealer.credentials.ram.AliyunRegions;
import dev.sealer.credentials.ram.EcsRamRoleFile;
import dev.sealer.credentials.ram.InstanceMetadataCredentials;
import dev.sealer.credentials.ram.StsTokenFiles;
import dev.sealer.kms.KmsCallObserver;
import dev.sealer.kms.SecretGetter;
import dev.sealer.kms.aliyun.openapi.OpenApiClientFactory;
import dev.sealer.kms.aliyun.openapi.OpenApiKmsClient;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The clients of the RAM client types, {@code ecs_ram_role} and {@code sts_token}: the KMS OpenAPI of
 * a region, reached with credentials from the metadata service, Function Compute or a token file.
 * Decides at start which endpoint, trust anchors and folders they use:
 *
 * <ul>
 *   <li>endpoint: {@code aliyun.kms.openapi.endpoint}, else the embedded emulator's, else
 *       {@code https://kms.<region>.aliyuncs.com} ({@code kms-vpc.} with {@code aliyun.kms.openapi.vpc-endpoint});
 *   <li>trust: {@code aliyun.kms.openapi.ca-file}, else the emulator's CA when its endpoint is used,
 *       else the JVM's anchors;
 *   <li>{@code ecsRamRole.json} from the credential folder; token files only inside
 *       {@code aliyun.kms.sts-token-dir} (default: {@code sts-tokens} inside the credential folder), a
 *       folder of its own: the start fails when it holds the credential folder or a credential file
 *       named in the configuration.
 * </ul>
 */
final class RamClients implements AutoCloseable {

    private final AliyunKmsConfig config;
    private final Optional<LocalKmsInstance> local;
    private final Optional<Path> credentialFolder;
    private final FunctionComputeRole functionCompute;
    private final OpenApiClientFactory factory;
    private final InstanceMetadataCredentials metadata;
    private final Optional<EcsRamRoleFile> ecsRamRoleFile;
    private final Optional<StsTokenFiles> tokenFiles;

    RamClients(
            AliyunKmsConfig config,
            Optional<LocalKmsInstance> local,
            Optional<Path> credentialFolder,
            FunctionComputeRole functionCompute,
            KmsCallObserver observer,
            Clock clock) {
        this.config = config;
        this.local = local;
        this.credentialFolder = credentialFolder;
        this.functionCompute = functionCompute;
        this.factory = new OpenApiClientFactory(
                new OpenApiClientFactory.Settings(config.connectTimeout(), config.readTimeout(), config.retryPolicy()),
                trustStore(),
                observer,
                clock);
        URI metadataEndpoint = config.ecsMetadataEndpoint()
                .map(URI::create)
                .or(() -> local.map(LocalKmsInstance::metadataEndpoint))
                .orElse(URI.create("http://100.100.100.200"));
        this.metadata = new InstanceMetadataCredentials(
                metadataEndpoint,
                config.ecsMetadataTimeout(),
                config.roleCredentials().refreshBeforeExpiry(),
                clock);
        this.ecsRamRoleFile = credentialFolder.map(EcsRamRoleFile::new);
        Optional<Path> tokenFolder = config.stsTokenDir()
                .or(() -> credentialFolder.map(folder -> folder.resolve(StsTokenFiles.DEFAULT_FOLDER)));
        tokenFolder.ifPresent(folder -> requireOwnTokenFolder(folder, credentialFolder, config));
        this.tokenFiles = tokenFolder.map(StsTokenFiles::new);
    }

    /**
     * A token path is chosen by whoever seals: the token folder must hold no credential (else a vault
     * secret could name the client key, and the service would send it to the KMS as a token).
     */
    private static void requireOwnTokenFolder(
            Path tokenFolder, Optional<Path> credentialFolder, AliyunKmsConfig config) {
        Path tokens = tokenFolder.toAbsolutePath().normalize();
        boolean holdsCredentials = credentialFolder
                        .map(folder -> folder.toAbsolutePath().normalize().startsWith(tokens))
                        .orElse(false)
                || config.legacyCredentialDir()
                        .map(folder -> folder.toAbsolutePath().normalize().startsWith(tokens))
                        .orElse(false)
                || java.util.stream.Stream.of(config.clientKeyFile(), config.passwordFile(), config.caFile())
                        .flatMap(Optional::stream)
                        .anyMatch(file -> file.toAbsolutePath().normalize().startsWith(tokens));
        if (holdsCredentials) {
            throw notConfigured(
                    "aliyun.kms.sts-token-dir must be a folder of its own: it holds the credential folder or "
                            + "a credential file, which a token_path could then name (default: sts-tokens inside the credential folder)");
        }
    }

    /**
     * The vault of settings of a RAM client type (they have no envelope part); resolves the target (reads
     * {@code ecsRamRole.json}, picks the endpoint) only when a vault secret is read.
     */
    SecretGetter vault(AliyunClientSettings settings) {
        return (name, annotations) -> (settings instanceof AliyunClientSettings.StsToken sts
                        ? stsToken(sts)
                        : ecsRamRole())
                .getSecret(name, annotations);
    }

    /** What the provider reports about RAM credentials at start (no secret, no path). */
    String describe() {
        return "role credentials from "
                + (functionCompute.enabled() ? "Function Compute" : "the instance metadata service")
                + ", OpenAPI endpoint "
                + config.openapi()
                        .endpoint()
                        .map(e -> "overridden")
                        .or(() -> local.map(l -> "of the emulator"))
                        .orElse(
                                config.openapi().vpcEndpoint()
                                        ? "kms-vpc.<region>.aliyuncs.com"
                                        : "kms.<region>.aliyuncs.com");
    }

    private OpenApiKmsClient stsToken(AliyunClientSettings.StsToken settings) {
        StsTokenFiles files = tokenFiles.orElseThrow(
                () -> notConfigured(
                        "the sts_token client type needs a token folder (aliyun.kms.sts-token-dir, or sts-tokens in aliyun.kms.credential-dir)"));
        return factory.client(endpoint(settings.regionId()), settings.regionId(), files.source(settings.tokenPath()));
    }

    private OpenApiKmsClient ecsRamRole() {
        if (functionCompute.enabled()) {
            String region = ecsRamRoleFile
                    .filter(EcsRamRoleFile::exists)
                    .map(file -> file.read(false).regionId())
                    .or(functionCompute::region)
                    .filter(AliyunRegions::isValid)
                    .orElseThrow(() -> notConfigured("the ecs_ram_role client type on Function Compute needs a region: "
                            + "region_id in ecsRamRole.json, or FC_REGION"));
            return factory.client(endpoint(region), region, functionCompute);
        }
        EcsRamRoleFile file = ecsRamRoleFile.orElseThrow(
                () -> notConfigured(
                        "the ecs_ram_role client type needs a credential folder holding ecsRamRole.json (aliyun.kms.credential-dir)"));
        EcsRamRoleFile.EcsRamRole role = file.read(true);
        return factory.client(endpoint(role.regionId()), role.regionId(), metadata.forRole(role.roleName()));
    }

    private URI endpoint(String regionId) {
        return endpoint(config.openapi(), local.map(LocalKmsInstance::endpoint), regionId);
    }

    /**
     * The OpenAPI endpoint of a region: the override, else the emulator's, else Alibaba's public
     * ({@code kms.<region>.aliyuncs.com}) or VPC ({@code kms-vpc.<region>.aliyuncs.com}) one. The
     * region id is checked before it builds a host name.
     */
    static URI endpoint(AliyunKmsConfig.OpenApi openapi, Optional<URI> emulator, String regionId) {
        AliyunRegions.require("region_id", regionId);
        return openapi.endpoint()
                .map(URI::create)
                .or(() -> emulator)
                .orElseGet(() -> URI.create(
                        "https://" + (openapi.vpcEndpoint() ? "kms-vpc." : "kms.") + regionId + ".aliyuncs.com"));
    }

    private Optional<KeyStore> trustStore() {
        Optional<Path> caFile = config.openapi()
                .caFile()
                .or(() -> config.openapi().endpoint().isPresent()
                        ? Optional.empty()
                        : local.map(LocalKmsInstance::caFile));
        return caFile.map(RamClients::anchors);
    }

    private static KeyStore anchors(Path pemFile) {
        try {
            List<X509Certificate> certificates =
                    CredentialFiles.parseCertificates(Files.readAllBytes(pemFile), "aliyun.kms.openapi.ca-file");
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < certificates.size(); i++) {
                store.setCertificateEntry("openapi-ca-" + i, certificates.get(i));
            }
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new ServiceFaultException(
                    ErrorCode.NOT_CONFIGURED,
                    "the CA file of the KMS OpenAPI cannot be read",
                    "file " + pemFile + ": " + e.getMessage(),
                    e);
        }
    }

    private static ServiceFaultException notConfigured(String message) {
        return new ServiceFaultException(ErrorCode.NOT_CONFIGURED, message);
    }

    @Override
    public void close() {
        factory.close();
        metadata.close();
    }
}
