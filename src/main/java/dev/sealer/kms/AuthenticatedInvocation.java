package dev.sealer.kms;

import java.util.function.UnaryOperator;

/**
 * A serverless platform's invocation that this service authenticated, allowed and is about to run: a
 * CDI event fired (synchronously) by the platform's entry point, never for a request that was refused.
 * Some platforms hand each invocation credentials in its headers (Function Compute: the function role's
 * STS credentials); a provider that uses them observes this event. The headers may be secret: an
 * observer must not log them.
 *
 * @param header the invocation's request header of a name (case-insensitive), or null
 */
public record AuthenticatedInvocation(UnaryOperator<String> header) {}
