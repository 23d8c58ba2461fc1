package io.edgeswarm.agent.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReceiveLowWaterTest {

    private static final int BATCH = 64 * 1024;

    @Test
    void gathersAWholeBatchWhileMoreThanThatIsToCome() {
        assertThat(ReceiveLowWater.mark(BATCH, 512 * 1024, false)).isEqualTo(BATCH);
        assertThat(ReceiveLowWater.mark(BATCH, BATCH, false)).isEqualTo(BATCH);
    }

    @Test
    void neverWaitsForMoreThanTheBodyStillOwes() {
        assertThat(ReceiveLowWater.mark(BATCH, 10_000, false)).isEqualTo(10_000);
        assertThat(ReceiveLowWater.mark(BATCH, 1, false)).isEqualTo(1);
    }

    @Test
    void staysATlsRecordBelowTheRestOfTheBodySinceTheTlsHandlerMayHoldPartOfOne() {
        long remaining = 40_000;
        assertThat(ReceiveLowWater.mark(BATCH, remaining, true))
                .isEqualTo((int) (remaining - ReceiveLowWater.TLS_RECORD_MARGIN));
        assertThat(ReceiveLowWater.mark(BATCH, ReceiveLowWater.TLS_RECORD_MARGIN, true))
                .isEqualTo(ReceiveLowWater.ANY_BYTE);
        assertThat(ReceiveLowWater.mark(BATCH, 10 * BATCH, true)).isEqualTo(BATCH);
    }

    @Test
    void aBatchOfOneOrNoneKeepsTheKernelDefault() {
        assertThat(ReceiveLowWater.mark(0, 512 * 1024, false)).isEqualTo(ReceiveLowWater.ANY_BYTE);
        assertThat(ReceiveLowWater.mark(1, 512 * 1024, false)).isEqualTo(ReceiveLowWater.ANY_BYTE);
    }
}
