package dev.sealer.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 request over a raw socket that declares a body length but sends no body: how to see
 * the answer to a body the service refuses on its headers (too large, unauthenticated) without the
 * client failing on a closed connection while it is still sending, as HTTP clients that insist on
 * sending the whole body do.
 */
public final class RawHttp {

    /** A status and the body that came with it. */
    public record Answer(int status, String head, String body) {}

    private RawHttp() {}

    public static Answer declaredOnly(URL base, String path, String contentType, long contentLength)
            throws IOException {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000);
            String request = "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: " + contentType
                    + "\r\nContent-Length: " + contentLength + "\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int read;
            while ((read = in.read(buffer)) != -1) {
                all.write(buffer, 0, read);
                String text = all.toString(StandardCharsets.UTF_8);
                int end = text.indexOf("\r\n\r\n");
                if (end >= 0) {
                    int length = contentLengthOf(text.substring(0, end));
                    if (length >= 0 && text.length() >= end + 4 + length) {
                        break;
                    }
                }
            }
            String text = all.toString(StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            String head = text.substring(0, end);
            return new Answer(Integer.parseInt(head.substring(9, 12)), head, text.substring(end + 4));
        }
    }

    private static int contentLengthOf(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                return Integer.parseInt(line.substring(15).trim());
            }
        }
        return -1;
    }
}
