package dev.sealer.functions;

import dev.sealer.CallerFaultException;
import dev.sealer.ErrorCode;
import dev.sealer.ServiceFaultException;
import dev.sealer.functions.runtime.SealerConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Which function a call may run, checked where every function starts, whatever route led there (a
 * plain HTTP path, a query string, a CloudEvent's type, Function Compute's {@code /invoke}):
 *
 * <ol>
 *   <li>a deployment that names one function ({@code sealer.function-compute.function}, one per Function
 *       Compute function) serves that function only, on every entry point, so that whoever may invoke
 *       the seal function cannot unseal through it: anything else is {@code 404 not_found}, as for a
 *       function that does not exist;
 *   <li>the caller's credentials must allow the function by the entry point the call came
 *       ({@link TokenScope}): {@code 403 forbidden} otherwise.
 * </ol>
 */
@ApplicationScoped
public class FunctionAccess {

    private static final Logger LOG = Logger.getLogger(FunctionAccess.class);

    @Inject
    SealerConfig config;

    void onStart(@Observes @Priority(2) StartupEvent event) {
        checkConfiguration();
    }

    /** The start fails on a function name that is not one of ours (a typo would serve nothing). */
    public void checkConfiguration() {
        Optional<String> named = config.functionCompute().function();
        if (named.isPresent() && Operation.named(named.get()).isEmpty()) {
            throw new ServiceFaultException(
                    ErrorCode.NOT_CONFIGURED,
                    "sealer.function-compute.function must be seal, unseal, reseal or check (the one function this deployment serves)");
        }
        served().ifPresent(only -> LOG.infof(
                "this deployment serves the function '%s' only, on every entry point (sealer.function-compute.function)",
                only));
    }

    /** The one function this deployment serves, when it names one. */
    public Optional<Operation> served() {
        return config.functionCompute().function().flatMap(Operation::named);
    }

    /**
     * @throws CallerFaultException {@code NOT_FOUND} when this deployment does not serve {@code operation},
     *     {@code FORBIDDEN} when the caller's credentials do not allow it by this entry point
     */
    public void require(Operation operation, Invocation invocation) {
        requireAllowed(operation, invocation.entryPoint(), invocation.scope());
    }

    /** The same check, for a call that has not become an invocation yet (its headers only). */
    public void requireAllowed(Operation operation, EntryPoint entryPoint, TokenScope scope) {
        requireServed(operation);
        if (!scope.permits(entryPoint, operation)) {
            throw new CallerFaultException(
                    ErrorCode.FORBIDDEN, "these credentials do not allow '" + operation + "' over " + entryPoint);
        }
    }

    /** @throws CallerFaultException {@code NOT_FOUND} when this deployment does not serve {@code operation} */
    public void requireServed(Operation operation) {
        Optional<Operation> only = served();
        if (only.isPresent() && only.get() != operation) {
            throw new CallerFaultException(
                    ErrorCode.NOT_FOUND,
                    "no function '" + operation + "' here: this deployment serves '" + only.get() + "' only");
        }
    }
}
