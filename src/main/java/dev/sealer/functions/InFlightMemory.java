package dev.sealer.functions;

import dev.sealer.ErrorCode;
import dev.sealer.ServiceFaultException;
import dev.sealer.functions.runtime.SealerConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * The heap that requests in flight may hold, shared by all of them ({@code sealer.limits.in-flight-bytes};
 * default half the JVM's maximum heap; metrics {@code sealer_in_flight_bytes} and
 * {@code sealer_in_flight_budget_bytes}). A request holds memory in two stages, and reserves each
 * before it is allocated:
 *
 * <ol>
 *   <li>on its headers, before its body is read: its body, and what reading it makes of it (the parsed
 *       request, the decoded secrets): {@value #REQUEST_BYTES_PER_BODY_BYTE} bytes per declared body byte
 *       (a chunked body counts as the largest allowed);
 *   <li>once its function knows the answer's size, before the work that builds it (the KMS calls, the
 *       sealing): the answer and its writing, {@value #ANSWER_BYTES_PER_CHAR} bytes per answer character.
 *       An answer can be several times its request: a batch with a manifest holds every sealed secret
 *       three times (the map, the JSON manifest, its YAML), each 1.8 times its secret; an unseal answer
 *       holds the secret's base64 and its text, with control characters escaped six-fold. Writing an
 *       answer as JSON text (Jackson's writer, then the HTTP layer's bytes) holds about five more copies
 *       while it runs.
 * </ol>
 *
 * Beyond the budget the request is refused with {@code 503 overloaded} (retry later) and holds nothing;
 * a request alone in flight always proceeds, so that the largest request the limits allow is served. All
 * of it is released when the answer has been sent or the connection closed. The factors were measured with
 * the image's heap flags under the adversarial probe's load ({@code HeapUnderLoadIT}).
 */
@ApplicationScoped
public class InFlightMemory {

    /** Heap per declared body byte while a request is read and parsed (body, parsed strings, decoded bytes). */
    public static final int REQUEST_BYTES_PER_BODY_BYTE = 6;
    /** Heap per character of an answer while it is built and written (the objects, JSON text, bytes). */
    public static final int ANSWER_BYTES_PER_CHAR = 9;
    /** The default budget's share of the maximum heap. */
    static final int DEFAULT_HEAP_PERCENT = 50;

    private static final Logger LOG = Logger.getLogger(InFlightMemory.class);
    private static final String CONTEXT_KEY = InFlightMemory.class.getName();

    @Inject
    SealerConfig config;

    @Inject
    MeterRegistry registry;

    private final AtomicLong held = new AtomicLong();
    private long budget;

    InFlightMemory() {}

    /** A budget of its own, outside CDI (tests). */
    InFlightMemory(long budget) {
        this.budget = budget;
    }

    @PostConstruct
    void init() {
        budget = config.limits()
                .inFlightBytes()
                .map(size -> size.asLongValue())
                .orElse(Runtime.getRuntime().maxMemory() / 100 * DEFAULT_HEAP_PERCENT);
        LOG.debugf("in-flight memory budget: %d bytes", budget);
        Gauge.builder("sealer.in.flight", held, AtomicLong::get)
                .description("heap reserved by requests in flight (bodies and answers)")
                .baseUnit("bytes")
                .register(registry);
        Gauge.builder("sealer.in.flight.budget", this, InFlightMemory::budget)
                .description("heap requests in flight may reserve; beyond it 503 overloaded")
                .baseUnit("bytes")
                .register(registry);
    }

    /** The budget, in bytes. */
    public long budget() {
        return budget;
    }

    /** Bytes currently reserved by requests in flight (for tests and metrics). */
    public long held() {
        return held.get();
    }

    /** A reservation of nothing yet, for one request; release it when the request ends. */
    public Reservation open() {
        return new Reservation(this);
    }

    /** The reservation attached to a request, or one that reserves nothing when there is none. */
    public static Reservation of(RoutingContext context) {
        Object reservation = context == null ? null : context.get(CONTEXT_KEY);
        return reservation instanceof Reservation attached ? attached : Reservation.UNTRACKED;
    }

    /** What one request holds of the budget. */
    public static class Reservation {

        /** Reserves nothing: for calls that no HTTP request carries. */
        static final Reservation UNTRACKED = new Reservation(null) {
            @Override
            public void reserve(long bytes) {}

            @Override
            public void release() {}
        };

        private final InFlightMemory memory;
        private final AtomicLong mine = new AtomicLong();

        private Reservation(InFlightMemory memory) {
            this.memory = memory;
        }

        /**
         * Reserves {@code bytes} more for this request.
         *
         * @throws ServiceFaultException {@code OVERLOADED} when other requests hold so much that these bytes
         *     would pass the budget (nothing is reserved then)
         */
        public void reserve(long bytes) {
            if (bytes <= 0) {
                return;
            }
            for (; ; ) {
                long current = memory.held.get();
                long others = current - mine.get();
                if (current + bytes > memory.budget && others > 0) {
                    throw new ServiceFaultException(
                            ErrorCode.OVERLOADED,
                            "too many requests in flight for the memory they need; retry in a moment");
                }
                if (memory.held.compareAndSet(current, current + bytes)) {
                    mine.addAndGet(bytes);
                    return;
                }
            }
        }

        /** Reserves what an answer of {@code characters} characters holds while it is built and written. */
        public void reserveAnswer(long characters) {
            reserve(characters * ANSWER_BYTES_PER_CHAR);
        }

        /** Releases everything this request reserved (idempotent). */
        public void release() {
            long bytes = mine.getAndSet(0);
            if (bytes > 0) {
                memory.held.addAndGet(-bytes);
            }
        }

        /** Attaches this reservation to its request, for the function to reserve its answer in. */
        public void attachTo(RoutingContext context) {
            context.put(CONTEXT_KEY, this);
        }
    }
}
