package dev.sealer.functions.runtime;

import dev.sealer.ErrorCode;
import dev.sealer.ServiceFaultException;
import dev.sealer.credentials.SecretFiles;
import dev.sealer.secret.KidResolver;
import dev.sealer.secret.PublishedKeys;
import dev.sealer.secret.SigningKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Loads the signing key named by {@code sealed-secret.signing.jwk-file} and {@code kid}; in
 * development, generates it on first use (private JWK owner-only, public JWK installed where
 * verification finds it). Without a JWK file, or with an absent one that is declared optional
 * ({@code sealed-secret.signing.optional}), the service only unseals. Also reads the public keys of a rotation
 * window ({@code sealed-secret.signing.previous-public-keys}) that {@code GET /jwks} publishes.
 */
public final class SigningKeyLoader {

    private static final Logger LOG = Logger.getLogger(SigningKeyLoader.class);

    private SigningKeyLoader() {}

    public static Optional<SigningKey> load(SealedSecretConfig.Signing signing, KidResolver verification) {
        if (signing.jwkFile().isEmpty()) {
            LOG.info("no sealed-secret.signing.jwk-file: this instance only unseals");
            return Optional.empty();
        }
        Path file = signing.jwkFile().get();
        String kid = signing.kid()
                .orElseThrow(() -> new ServiceFaultException(
                        ErrorCode.NOT_CONFIGURED,
                        "sealed-secret.signing.kid is required with sealed-secret.signing.jwk-file"));
        if (!Files.exists(file) && signing.generateIfMissing()) {
            SigningKey generated = SigningKey.generate(kid);
            SecretFiles.writeOwnerOnly(file, generated.privateJwk().getBytes(StandardCharsets.UTF_8));
            if (verification.install(generated.kid(), generated.publicJwk())) {
                LOG.infof(
                        "generated a development signing key %s (kid %s) and installed its public half",
                        file.toAbsolutePath(), kid);
            } else {
                LOG.infof(
                        "generated a development signing key %s: publish its public half as the KBS resource %s",
                        file.toAbsolutePath(), kid);
            }
            return Optional.of(generated);
        }
        if (!Files.exists(file) && signing.optional()) {
            LOG.info(
                    "the signing key file is absent and sealed-secret.signing.optional=true: this instance only unseals");
            return Optional.empty();
        }
        try {
            String jwk = Files.readString(file, StandardCharsets.UTF_8);
            if (jwk.strip().startsWith("sealed.")) {
                throw new ServiceFaultException(
                        ErrorCode.NOT_CONFIGURED,
                        "the signing key is still a sealed secret: the guest's "
                                + "CDH did not unseal it (did the attestation succeed, and does KBS hold the resource?)",
                        file.toString(),
                        null);
            }
            return Optional.of(SigningKey.fromJwk(kid, jwk, "signing key " + file));
        } catch (IOException e) {
            throw new ServiceFaultException(
                    ErrorCode.NOT_CONFIGURED, "the signing key cannot be read", file.toString(), e);
        }
    }

    /**
     * The public keys of {@code sealed-secret.signing.previous-public-keys}, in the order given (a folder's
     * regular files by name; its sub-folders are not read).
     *
     * @throws ServiceFaultException {@code NOT_CONFIGURED} naming the file that is missing, unreadable, not a
     *     public P-256 JWK with a kid, or holds a private part
     */
    public static List<PublishedKeys.Entry> rotationKeys(SealedSecretConfig.Signing signing) {
        List<PublishedKeys.Entry> keys = new ArrayList<>();
        for (Path path : signing.previousPublicKeys().orElse(List.of())) {
            List<Path> files;
            if (Files.isDirectory(path)) {
                try (Stream<Path> listing = Files.list(path)) {
                    files = listing.filter(Files::isRegularFile).sorted().toList();
                } catch (IOException e) {
                    throw new ServiceFaultException(
                            ErrorCode.NOT_CONFIGURED,
                            "sealed-secret.signing.previous-public-keys: a folder cannot be read",
                            path.toString(),
                            e);
                }
            } else {
                files = List.of(path);
            }
            for (Path file : files) {
                String json;
                try {
                    json = Files.readString(file, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new ServiceFaultException(
                            ErrorCode.NOT_CONFIGURED,
                            "sealed-secret.signing.previous-public-keys: a key file is missing or unreadable",
                            file.toString(),
                            e);
                }
                keys.add(PublishedKeys.parseRotationKey(json, "rotation key " + file));
            }
        }
        return keys;
    }
}
