package dev.sealer.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.sealer.ErrorCode;
import dev.sealer.ServiceFaultException;
import org.junit.jupiter.api.Test;

/** The in-flight budget: shared by all requests, a request alone always proceeds, releases are exact. */
class InFlightMemoryTest {

    private final InFlightMemory memory = new InFlightMemory(1000);

    @Test
    void requestsShareTheBudget_beyondIt_overloaded_andNothingIsReservedThen() {
        InFlightMemory.Reservation first = memory.open();
        InFlightMemory.Reservation second = memory.open();
        first.reserve(600);
        second.reserve(300);

        ServiceFaultException refused = catchThrowableOfType(ServiceFaultException.class, () -> second.reserve(200));

        assertThat(refused.errorCode()).isEqualTo(ErrorCode.OVERLOADED);
        assertThat(memory.held()).isEqualTo(900);
        first.release();
        second.reserve(200);
        assertThat(memory.held()).isEqualTo(500);
    }

    @Test
    void aRequestAlone_mayPassTheBudget_itsAnswerToo() {
        InFlightMemory.Reservation alone = memory.open();
        alone.reserve(800);
        alone.reserveAnswer(1000);
        assertThat(memory.held()).isEqualTo(800 + 1000L * InFlightMemory.ANSWER_BYTES_PER_CHAR);

        InFlightMemory.Reservation other = memory.open();
        assertThat(catchThrowableOfType(ServiceFaultException.class, () -> other.reserve(1)))
                .isNotNull();
    }

    @Test
    void release_returnsEverythingOnce() {
        InFlightMemory.Reservation reservation = memory.open();
        reservation.reserve(100);
        reservation.reserve(200);
        reservation.release();
        reservation.release();
        assertThat(memory.held()).isZero();
    }

    @Test
    void aRequestWithoutReservation_reservesNothing() {
        InFlightMemory.of(null).reserve(1_000_000);
        assertThat(memory.held()).isZero();
    }
}
