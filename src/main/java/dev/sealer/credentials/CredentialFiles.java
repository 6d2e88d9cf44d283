package dev.sealer.credentials;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealer.CallerFaultException;
import dev.sealer.ErrorCode;
import dev.sealer.Json;
import dev.sealer.SafeIds;
import dev.sealer.ServiceFaultException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads the three credential files of Alibaba Cloud's client-key access (docs/FORMAT.md, "Credential files"):
 * {@code clientKey_<id>.json} ({@code {"KeyId", "PrivateKeyData": base64 PKCS#12}}),
 * {@code password_<id>.json} (either {@code {"ClientKeyPassword": "..."}} or the bare password,
 * trailing white space ignored) and {@code PrivateKmsCA_<instance>.pem} (one or more certificates).
 *
 * <p>The PKCS#12 may use the legacy encryption of Alibaba's console (RC2-40 certificate bag, 3DES key
 * bag, SHA-1 MAC); the JDK's PKCS12 key store reads it. Password characters are wiped after use
 * where Java allows (not from JSON strings).
 */
public final class CredentialFiles {

    private static final ObjectMapper JSON = Json.MAPPER;
    /** A client key JSON is ~3.5 KB; anything far larger is not one. */
    private static final int MAX_FILE_BYTES = 1 << 20;

    private static final Pattern CREDENTIAL_FILE_NAME =
            Pattern.compile("(clientKey_.*\\.json|password_.*\\.json|PrivateKmsCA_.*\\.pem)", Pattern.CASE_INSENSITIVE);

    private CredentialFiles() {}

    /**
     * True for the name of a client key, password or CA file ({@code clientKey_*.json},
     * {@code password_*.json}, {@code PrivateKmsCA_*.pem}; in any case, as some file systems ignore it):
     * files that no other reader of a folder (e.g. token files) may be pointed at.
     */
    public static boolean isCredentialFileName(String fileName) {
        return CREDENTIAL_FILE_NAME.matcher(fileName).matches();
    }

    public static String clientKeyFileName(String clientKeyId) {
        return "clientKey_" + SafeIds.require("client_key_id", clientKeyId) + ".json";
    }

    public static String passwordFileName(String clientKeyId) {
        return "password_" + SafeIds.require("client_key_id", clientKeyId) + ".json";
    }

    public static String caFileName(String instanceId) {
        return "PrivateKmsCA_" + SafeIds.require("kms_instance_id", instanceId) + ".pem";
    }

    /**
     * Reads a whole (small) credential file.
     *
     * @throws CallerFaultException {@code CREDENTIALS_NOT_FOUND} when it does not exist or cannot be read
     * @throws ServiceFaultException {@code CREDENTIALS_INVALID} when it is far too large to be one
     */
    public static byte[] read(Path file) {
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw invalid("a credential file is too large", file.toString(), null);
            }
            byte[] content = Files.readAllBytes(file);
            requireUnsealed(content, file.toString());
            return content;
        } catch (NoSuchFileException e) {
            throw notFound(
                    "no credential files for the requested client key and KMS instance",
                    "credential file " + file + " does not exist");
        } catch (IOException e) {
            throw notFound(
                    "the credential files for the requested client key and KMS instance cannot be read",
                    "credential file " + file + " cannot be read: "
                            + e.getClass().getSimpleName());
        }
    }

    /**
     * In a confidential pod the guest's CDH replaces a mounted file whose content is a sealed secret by
     * its plaintext; when it cannot (attestation or KBS failed), the file keeps the {@code sealed.}
     * string. Say so, instead of "not JSON" or "wrong password".
     */
    public static void requireUnsealed(byte[] content, String origin) {
        if (content.length >= 7 && new String(content, 0, 7, StandardCharsets.US_ASCII).equals("sealed.")) {
            throw invalid(
                    "a credential file still holds a sealed secret: the guest's CDH did not unseal it (did the "
                            + "attestation succeed, and does KBS hold the resource?)",
                    origin,
                    null);
        }
    }

    /** Credentials the request asks for do not exist: the caller's mistake (422). */
    public static CallerFaultException notFound(String message, String detail) {
        return new CallerFaultException(ErrorCode.CREDENTIALS_NOT_FOUND, message, detail, null);
    }

    /** Credentials exist but cannot be used: the service's problem (500). */
    public static ServiceFaultException invalid(String message, String detail, Throwable cause) {
        return new ServiceFaultException(ErrorCode.CREDENTIALS_INVALID, message, detail, cause);
    }

    /**
     * Opens a client key.
     *
     * @param clientKeyJson the content of {@code clientKey_<id>.json}
     * @param passwordFile the content of {@code password_<id>.json}; wiped by this method
     * @param expectedId the client key id the caller asked for, or null to accept the file's
     * @param origin where the content came from, for the log (a file name, a property name)
     */
    public static ClientKey parseClientKey(
            byte[] clientKeyJson, byte[] passwordFile, String expectedId, String origin) {
        char[] password = parsePassword(passwordFile, origin);
        try {
            JsonNode json;
            try {
                json = JSON.readTree(clientKeyJson);
            } catch (IOException e) {
                throw invalid("client key is not JSON", origin, null);
            }
            String keyId = text(json, "KeyId");
            String data = text(json, "PrivateKeyData");
            if (keyId == null || data == null) {
                throw invalid("client key JSON needs string fields KeyId and PrivateKeyData", origin, null);
            }
            if (!SafeIds.isValid(keyId)) {
                throw invalid("KeyId is not a valid client key id", origin, null);
            }
            if (expectedId != null && !expectedId.equals(keyId)) {
                throw invalid(
                        "the client key file holds another client key (KeyId does not match)",
                        origin + ": KeyId " + keyId + ", expected " + expectedId,
                        null);
            }
            byte[] pkcs12;
            try {
                pkcs12 = Base64.getMimeDecoder().decode(data);
            } catch (IllegalArgumentException e) {
                throw invalid("PrivateKeyData is not base64", origin, null);
            }
            return openPkcs12(keyId, pkcs12, password, origin);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /** Parses a password file in either format; wipes {@code content}. */
    static char[] parsePassword(byte[] content, String origin) {
        try {
            int start = 0;
            while (start < content.length && Character.isWhitespace(content[start])) {
                start++;
            }
            if (start < content.length && content[start] == '{') {
                JsonNode json = null;
                try {
                    json = JSON.readTree(content);
                } catch (IOException e) {
                    // not JSON after all: a bare password that starts with '{'
                }
                if (json != null && json.isObject()) {
                    String password = text(json, "ClientKeyPassword");
                    if (password == null) {
                        throw invalid("password file is JSON without a string field ClientKeyPassword", origin, null);
                    }
                    return password.toCharArray();
                }
            }
            char[] decoded = decodeUtf8(content, origin);
            int end = decoded.length;
            while (end > 0 && Character.isWhitespace(decoded[end - 1])) {
                end--;
            }
            char[] password = Arrays.copyOf(decoded, end);
            Arrays.fill(decoded, '\0');
            if (password.length == 0) {
                throw invalid("password file is empty", origin, null);
            }
            return password;
        } finally {
            Arrays.fill(content, (byte) 0);
        }
    }

    /** Reads every certificate of a PEM bundle such as {@code PrivateKmsCA_<instance>.pem}, in file order. */
    public static List<X509Certificate> parseCertificates(byte[] pem, String origin) {
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            List<X509Certificate> certificates = new ArrayList<>();
            for (Certificate certificate : factory.generateCertificates(new ByteArrayInputStream(pem))) {
                certificates.add((X509Certificate) certificate);
            }
            if (certificates.isEmpty()) {
                throw invalid("no certificate in the CA file", origin, null);
            }
            return Collections.unmodifiableList(certificates);
        } catch (CertificateException e) {
            throw invalid("CA file is not a PEM certificate bundle", origin, e);
        }
    }

    private static ClientKey openPkcs12(String keyId, byte[] pkcs12, char[] password, String origin) {
        KeyStore store;
        try {
            store = KeyStore.getInstance("PKCS12");
            store.load(new ByteArrayInputStream(pkcs12), password);
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw invalid("the password does not open the client key", origin, e);
            }
            throw invalid("PrivateKeyData is not a readable PKCS#12 (truncated or corrupt)", origin, null);
        } catch (GeneralSecurityException e) {
            throw invalid(
                    "PrivateKeyData cannot be opened",
                    origin + ": " + e.getClass().getSimpleName(),
                    e);
        } finally {
            Arrays.fill(pkcs12, (byte) 0);
        }
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    Key key = store.getKey(alias, password);
                    Certificate certificate = store.getCertificate(alias);
                    if (key instanceof PrivateKey privateKey && certificate instanceof X509Certificate x509) {
                        return new ClientKey(keyId, privateKey, x509);
                    }
                }
            }
        } catch (UnrecoverableKeyException e) {
            throw invalid("the password does not open the client key's private key", origin, null);
        } catch (GeneralSecurityException e) {
            throw invalid(
                    "the client key entry cannot be read",
                    origin + ": " + e.getClass().getSimpleName(),
                    e);
        }
        throw invalid("PKCS#12 holds no private key with a certificate", origin, null);
    }

    private static char[] decodeUtf8(byte[] bytes, String origin) {
        try {
            CharBuffer chars = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            char[] result = new char[chars.remaining()];
            chars.get(result);
            Arrays.fill(chars.array(), '\0');
            return result;
        } catch (CharacterCodingException e) {
            throw invalid("password file is not UTF-8", origin, null);
        }
    }

    private static String text(JsonNode json, String field) {
        JsonNode node = json == null ? null : json.get(field);
        return node != null && node.isTextual() ? node.asText() : null;
    }
}
