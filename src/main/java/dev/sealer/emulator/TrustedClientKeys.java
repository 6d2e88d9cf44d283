package dev.sealer.emulator;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.sealer.SafeIds;
import dev.sealer.SealerException;
import dev.sealer.credentials.ClientKey;
import dev.sealer.credentials.CredentialFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The client keys the emulator accepts: its own, and every other {@code clientKey_<id>.json} with
 * its {@code password_<id>.json} in the credential directory (so a user can bring their own). The
 * directory is scanned again, at most once a second (by an injectable {@link Ticker}), when an unknown
 * id shows up. Requests are
 * authenticated by their signature only; like the real service, the emulator asks for no TLS client
 * certificate.
 */
final class TrustedClientKeys {

    private static final Logger LOG = Logger.getLogger(TrustedClientKeys.class);
    private static final long RESCAN_INTERVAL_NANOS = 1_000_000_000L;

    private final Path directory;
    private final Ticker ticker;
    private final Map<String, X509Certificate> certificates = new ConcurrentHashMap<>();
    private volatile long lastScanNanos;

    TrustedClientKeys(Path directory, ClientKey own, Ticker ticker) {
        this.directory = directory;
        this.ticker = ticker;
        certificates.put(own.id(), own.certificate());
        scan();
    }

    /** The certificate of a known client key, or null. */
    X509Certificate find(String clientKeyId) {
        X509Certificate certificate = certificates.get(clientKeyId);
        if (certificate == null && rescanDue()) {
            scan();
            certificate = certificates.get(clientKeyId);
        }
        return certificate;
    }

    private boolean rescanDue() {
        return ticker.read() - lastScanNanos > RESCAN_INTERVAL_NANOS;
    }

    private synchronized void scan() {
        lastScanNanos = ticker.read();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "clientKey_*.json")) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                String id = name.substring("clientKey_".length(), name.length() - ".json".length());
                if (!SafeIds.isValid(id) || certificates.containsKey(id)) {
                    continue;
                }
                try {
                    ClientKey key = CredentialFiles.parseClientKey(
                            CredentialFiles.read(file),
                            CredentialFiles.read(directory.resolve(CredentialFiles.passwordFileName(id))),
                            id,
                            name);
                    certificates.put(id, key.certificate());
                    LOG.infof("KMS emulator: trusting client key %s from %s", id, name);
                } catch (SealerException e) {
                    LOG.warnf("KMS emulator: ignoring client key %s: %s", name, e.logMessage());
                }
            }
        } catch (IOException e) {
            LOG.warnf("KMS emulator: cannot scan %s for client keys: %s", directory, e.getMessage());
        }
    }
}
