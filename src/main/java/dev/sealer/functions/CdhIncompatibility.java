package dev.sealer.functions;

import dev.sealer.secret.cdh.CdhParity;
import dev.sealer.secret.cdh.CdhReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * What unseal opened that a stock CDH would refuse ({@link CdhParity}, the reasons of direction
 * {@code CDH_REFUSES}): unseal stays as forgiving as it is, but each such secret it opens counts
 * {@code sealer_cdh_incompatible_total{reason}}, and the first one of each reason is logged at WARN, so that an
 * operator learns of it before moving the secret into a pod. The tag and the log name only the reason code:
 * nothing of the secret.
 */
@ApplicationScoped
public class CdhIncompatibility {

    public static final String METRIC = "sealer.cdh.incompatible";
    private static final Logger LOG = Logger.getLogger(CdhIncompatibility.class);

    @Inject
    MeterRegistry registry;

    private final Set<CdhReason> logged = ConcurrentHashMap.newKeySet();

    /** Notes a sealed secret unseal has opened, exactly as the caller sent it. */
    public void opened(String sealed) {
        Set<CdhReason> refused = EnumSet.noneOf(CdhReason.class);
        try {
            CdhParity.judge(sealed).reasons().stream()
                    .filter(reason -> reason.direction() == CdhReason.Direction.CDH_REFUSES)
                    .forEach(refused::add);
        } catch (RuntimeException e) {
            // a judgement that fails must not fail an unseal that succeeded
            LOG.debugf("CDH parity judgement failed: %s", e.getClass().getSimpleName());
            return;
        }
        for (CdhReason reason : refused) {
            Counter.builder(METRIC)
                    .description("sealed secrets unseal opened that a stock CDH would refuse, by reason")
                    .tag("reason", reason.code())
                    .register(registry)
                    .increment();
            if (logged.add(reason)) {
                LOG.warnf(
                        "unseal opened a sealed secret a stock CDH would refuse (%s: %s); logged once per reason, "
                                + "counted in sealer_cdh_incompatible_total. POST /check tells which",
                        reason.code(), reason.explanation());
            }
        }
    }
}
