package dev.sealer.kms.aliyun.common;

import dev.sealer.ErrorCode;
import dev.sealer.SealerException;
import dev.sealer.Texts;
import dev.sealer.kms.KmsFailureException;
import dev.sealer.kms.RetryLoop;
import io.vertx.core.VertxException;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import javax.net.ssl.SSLException;

/**
 * How the Alibaba KMS clients (KMS-instance API and KMS OpenAPI alike) judge a failed attempt that
 * came out of a REST client: what is worth retrying, and which stable error code it becomes. Error
 * answers are passed on to {@link AliyunKmsAnswers}; transport failures become {@code kms_timeout},
 * {@code kms_unavailable} or {@code kms_bad_response}. Messages never carry secrets; endpoints go to
 * the detail only.
 */
public final class KmsTransportFailures {

    private KmsTransportFailures() {}

    /**
     * @param badAnswer recognises a body that does not parse as the expected answer (not retried)
     */
    public static boolean isRetryable(RuntimeException failure, Predicate<Throwable> badAnswer) {
        Throwable cause = unwrap(failure);
        if (cause instanceof KmsErrorResponse answer) {
            return AliyunKmsAnswers.isRetryable(answer);
        }
        if (tlsFailure(cause) != null || badAnswer.test(cause)) {
            return false; // a TLS trust or handshake failure, or a malformed answer, does not heal by itself
        }
        return cause instanceof IOException
                || cause instanceof VertxException
                || cause instanceof TimeoutException
                || cause instanceof io.smallrye.mutiny.TimeoutException;
    }

    /**
     * @param answerKind what the answer should have been, for the message (e.g. "protobuf message")
     * @param callTimeout the bound of the whole call, for the timeout message
     */
    public static SealerException translate(
            String apiName,
            RuntimeException failure,
            URI endpoint,
            Duration callTimeout,
            Predicate<Throwable> badAnswer,
            String answerKind) {
        Throwable cause = unwrap(failure);
        String where = "KMS " + apiName + " at " + endpoint;
        if (cause instanceof SealerException sealer) {
            return sealer;
        }
        if (cause instanceof KmsErrorResponse answer) {
            return AliyunKmsAnswers.toException(apiName, answer, endpoint.toString());
        }
        if (cause instanceof RetryLoop.DeadlineExceeded
                || cause instanceof TimeoutException
                || cause instanceof io.smallrye.mutiny.TimeoutException) {
            return new KmsFailureException(
                    ErrorCode.KMS_TIMEOUT,
                    "the KMS did not answer " + apiName + " in time (" + callTimeout.toMillis()
                            + " ms for the whole call)",
                    where,
                    failure);
        }
        SSLException tls = tlsFailure(cause);
        if (tls != null) {
            return new KmsFailureException(
                    ErrorCode.KMS_UNAVAILABLE,
                    "the TLS handshake with the KMS failed (check the CA file and the endpoint host)",
                    where + ": " + rootMessage(tls),
                    failure);
        }
        if (badAnswer.test(cause)) {
            // no cause attached: a parser's message may quote the body
            return new KmsFailureException(
                    ErrorCode.KMS_BAD_RESPONSE,
                    "the KMS answered " + apiName + " with a body that is not the expected " + answerKind,
                    where,
                    null);
        }
        return new KmsFailureException(
                ErrorCode.KMS_UNAVAILABLE,
                "the KMS is unreachable (" + cause.getClass().getSimpleName() + ")",
                where + ": " + cause.getMessage(),
                failure);
    }

    /** The TLS failure anywhere in the cause chain (a TLS alert may arrive wrapped in an IOException). */
    private static SSLException tlsFailure(Throwable failure) {
        for (Throwable current = failure; current != null; current = current.getCause()) {
            if (current instanceof SSLException tls) {
                return tls;
            }
        }
        return null;
    }

    /** The innermost message, e.g. "PKIX path building failed" or "No subject alternative DNS name matching". */
    private static String rootMessage(Throwable failure) {
        String message = failure.getMessage();
        for (Throwable current = failure.getCause(); current != null; current = current.getCause()) {
            if (current.getMessage() != null) {
                message = current.getMessage();
            }
        }
        return message;
    }

    /** Strips the wrappers that the REST client, Mutiny's blocking await and the retry loop put around the real failure. */
    public static Throwable unwrap(Throwable failure) {
        return Texts.unwrap(
                failure,
                current -> current instanceof ProcessingException
                        || current instanceof CompletionException
                        || current instanceof WebApplicationException
                        || current instanceof RetryLoop.InterruptedRetry
                        || current.getClass() == RuntimeException.class);
    }
}
