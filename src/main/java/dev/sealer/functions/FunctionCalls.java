package dev.sealer.functions;

import dev.sealer.ErrorCode;
import dev.sealer.SealerException;
import dev.sealer.functions.runtime.AuditLog;
import dev.sealer.functions.runtime.SealerMetrics;
import dev.sealer.functions.runtime.Tracing;
import dev.sealer.secret.SealedSecretSummary;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What every function call leaves behind, in one place: its metric ({@link SealerMetrics}), its span
 * ({@link Tracing}) and its audit line ({@link AuditLog}), all with the same outcome ({@code success} or the
 * stable error code). A function is observed by wrapping its body once, {@code calls.run(Operation.SEAL,
 * invocation, call -> ...)}, access check included, and telling the {@link Call} which sealed secrets it read
 * and wrote; adding a function is that one call. A call an entry point refuses before it runs, for the
 * same reasons as the access check (on a request's headers: {@link #refused}), is recorded alike, so that every call of a named
 * function by an authenticated caller leaves one record, whichever layer refused it.
 *
 * <p>What it records is public: names from fixed vocabularies, the caller's kind and public id, and the public
 * facts of sealed secrets ({@link SealedSecretSummary}). With tracing and the audit trail off, a call costs a
 * timer sample, as before they existed.
 */
@ApplicationScoped
public class FunctionCalls {

    @Inject
    SealerMetrics metrics;

    @Inject
    Tracing tracing;

    @Inject
    AuditLog audit;

    @Inject
    CdhIncompatibility cdh;

    /** A function's body. */
    @FunctionalInterface
    public interface Body<T> {
        T run(Call call);
    }

    /** What a body tells about the sealed secrets of its call (ignored when the audit trail is off). */
    public static final class Call {
        private static final Call IGNORED = new Call(false, false);

        private final boolean recording;
        /** Unseal: what it opened is judged against a stock CDH once it succeeded ({@link CdhIncompatibility}). */
        private final boolean opening;

        private final List<String> read = new ArrayList<>(1);
        private final List<String> written = new ArrayList<>(1);

        private Call(boolean recording, boolean opening) {
            this.recording = recording;
            this.opening = opening;
        }

        /** The call reads (opens, checks) this sealed secret, as the caller sent it. */
        public void read(String sealed) {
            if ((recording || opening) && sealed != null) {
                read.add(sealed);
            }
        }

        /** The call wrote these sealed secrets; returns its result unchanged. */
        public SealResponse wrote(SealResponse response) {
            if (recording && response != null) {
                if (response.sealed() instanceof String single) {
                    written.add(single);
                } else if (response.sealed() instanceof Map<?, ?> batch) {
                    batch.values().forEach(value -> written.add(String.valueOf(value)));
                }
            }
            return response;
        }
    }

    /** Runs one call of {@code operation} and records it, whatever its outcome. */
    public <T> T run(Operation operation, Invocation invocation, Body<T> body) {
        String function = operation.function();
        long start = System.nanoTime();
        String outcome = ErrorCode.INTERNAL_ERROR.code();
        boolean opening = operation == Operation.UNSEAL;
        Call call = audit.enabled() || opening ? new Call(audit.enabled(), opening) : Call.IGNORED;
        Tracing.FunctionSpan span =
                tracing.function(function, invocation.entryPoint().wireName(), invocation.traceHeader());
        try {
            T result = body.run(call);
            outcome = "success";
            if (call.opening) {
                call.read.forEach(cdh::opened);
            }
            return result;
        } catch (SealerException e) {
            outcome = e.errorCode().code();
            throw e;
        } finally {
            metrics.functionCall(function, outcome, System.nanoTime() - start);
            span.end(outcome);
            if (call.recording) {
                Caller caller = invocation.caller();
                audit.write(new AuditLog.Entry(
                        function,
                        invocation.entryPoint().wireName(),
                        outcome,
                        caller.isNone() ? null : caller.kind(),
                        caller.isNone() ? null : caller.id(),
                        call.read.stream().map(SealedSecretSummary::of).toList(),
                        call.written.stream().map(SealedSecretSummary::of).toList()));
            }
        }
    }

    /**
     * Records a call of {@code operation} that an entry point refused before the function ran, for the reasons
     * {@link FunctionAccess} refuses one (its credentials do not allow the function by this entry point, or
     * this deployment does not serve it): the HTTP layer on a request's headers, before its body is read, and
     * Function Compute's {@code /invoke} before its body is parsed. The same metric, span and audit line as a
     * call refused where the function runs, with the refusal's code as the outcome and no sealed secret (none
     * was read). The caller answers the refusal.
     */
    public void refused(Operation operation, Invocation invocation, SealerException refusal) {
        try {
            run(operation, invocation, call -> {
                throw refusal;
            });
        } catch (SealerException recorded) {
            // recorded above, with its outcome
        }
    }
}
