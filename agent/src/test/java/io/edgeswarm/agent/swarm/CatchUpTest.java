package io.edgeswarm.agent.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CatchUpTest {

    private static final int BUDGET = 8;
    private static final int MOST = 4;

    @Test
    void aDownloadLevelWithOrAheadOfItsZoneAsksForNoMore() {
        assertThat(CatchUp.extraRequests(500, 3 * 500, 3, BUDGET, MOST)).isZero();
        assertThat(CatchUp.extraRequests(600, 3 * 500, 3, BUDGET, MOST)).isZero();
        // Less than half a budget behind: within what a second-old bitfield understates.
        assertThat(CatchUp.extraRequests(497, 3 * 500, 3, BUDGET, MOST)).isZero();
    }

    @Test
    void oneMoreRequestForEachHalfBudgetOfChunksBehindTheMean() {
        assertThat(CatchUp.extraRequests(496, 3 * 500, 3, BUDGET, MOST)).isEqualTo(1);
        assertThat(CatchUp.extraRequests(491, 3 * 500, 3, BUDGET, MOST)).isEqualTo(2);
        // The mean, not the leader: 400, 500 and 600 average 500.
        assertThat(CatchUp.extraRequests(488, 400 + 500 + 600, 3, BUDGET, MOST)).isEqualTo(3);
    }

    @Test
    void farBehindIsCappedAtTheMost() {
        assertThat(CatchUp.extraRequests(0, 15 * 900, 15, BUDGET, MOST)).isEqualTo(MOST);
    }

    @Test
    void nobodyToCatchUpWithOrTurnedOffMeansNoExtra() {
        assertThat(CatchUp.extraRequests(0, 0, 0, BUDGET, MOST)).isZero();
        assertThat(CatchUp.extraRequests(0, 3 * 900, 3, BUDGET, 0)).isZero();
    }

    @Test
    void aBudgetOfOneStillCountsWholeChunks() {
        assertThat(CatchUp.extraRequests(7, 3 * 10, 3, 1, MOST)).isEqualTo(3);
    }
}
