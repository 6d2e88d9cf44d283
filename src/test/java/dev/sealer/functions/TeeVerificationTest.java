package dev.sealer.functions;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sealer.ErrorCode;
import dev.sealer.SealerException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** In the tee profile signature verification cannot be switched off. */
class TeeVerificationTest {

    @Test
    void skipInTeeProfile_stopsTheStart() {
        assertThatThrownBy(() -> SealerService.requireVerificationInTee(true, List.of("tee")))
                .isInstanceOf(SealerException.class)
                .satisfies(e -> org.assertj.core.api.Assertions.assertThat(((SealerException) e).errorCode())
                        .isEqualTo(ErrorCode.NOT_CONFIGURED));
    }

    @Test
    void skipElsewhere_orNoSkipInTee_isAccepted() {
        assertThatCode(() -> SealerService.requireVerificationInTee(true, List.of("prod", "user"))).doesNotThrowAnyException();
        assertThatCode(() -> SealerService.requireVerificationInTee(false, List.of("tee"))).doesNotThrowAnyException();
    }
}
