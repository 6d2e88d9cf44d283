package dev.sealer.kms.aliyun.instance;

import io.quarkus.arc.Unremovable;
import jakarta.inject.Singleton;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the REST client sees as "the incoming request's headers" while a function calls the KMS: none. The
 * MicroProfile REST client asks for them on every call (to propagate some to the outgoing request, which this
 * client never does: a caller's headers, its token included, have no business at the KMS). Without a bean of this
 * type there is no server-side {@code HttpHeaders} here (Funqy, not Jakarta REST), and each of those lookups made
 * ArC scan its removed beans: about 2 % of the CPU of an unseal in a profile (BENCHMARKS.md).
 */
@Singleton
@Unremovable
public class NoIncomingHeaders implements HttpHeaders {

    @Override
    public List<String> getRequestHeader(String name) {
        return List.of();
    }

    @Override
    public String getHeaderString(String name) {
        return null;
    }

    @Override
    public MultivaluedMap<String, String> getRequestHeaders() {
        return new MultivaluedHashMap<>(); // a fresh one: nobody can fill a shared one
    }

    @Override
    public List<MediaType> getAcceptableMediaTypes() {
        return List.of();
    }

    @Override
    public List<Locale> getAcceptableLanguages() {
        return List.of();
    }

    @Override
    public MediaType getMediaType() {
        return null;
    }

    @Override
    public Locale getLanguage() {
        return null;
    }

    @Override
    public Map<String, Cookie> getCookies() {
        return Map.of();
    }

    @Override
    public Date getDate() {
        return null;
    }

    @Override
    public int getLength() {
        return -1;
    }
}
