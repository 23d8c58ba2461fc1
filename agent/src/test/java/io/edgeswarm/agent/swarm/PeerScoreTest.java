package io.edgeswarm.agent.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Faster, less loaded peers get more requests in flight; unknown peers get a full chance. */
class PeerScoreTest {

    private static final long MIB = 1024 * 1024;
    private static final long SECOND = 1_000_000_000L;

    @Test
    void anUnmeasuredPeerRanksFirstAndGetsTheWholeAllowance() {
        PeerScore fresh = new PeerScore();

        assertThat(fresh.measured()).isFalse();
        assertThat(fresh.value(100)).isInfinite();
        assertThat(PeerScore.allowance(fresh.value(0), 50 * MIB, 3)).isEqualTo(3);
    }

    @Test
    void throughputIsAMovingAverageOfChunkSamples() {
        PeerScore score = new PeerScore();
        score.sample(4 * MIB, SECOND, 10_000_000);
        assertThat(score.bytesPerSecond()).isEqualTo(4.0 * MIB);
        assertThat(score.latencyMillis()).isEqualTo(10.0);

        score.sample(4 * MIB, SECOND / 2, 20_000_000);
        assertThat(score.bytesPerSecond()).isEqualTo(0.7 * 4 * MIB + 0.3 * 8 * MIB);
        assertThat(score.latencyMillis()).isEqualTo(0.7 * 10 + 0.3 * 20);
    }

    @Test
    void gossipedLoadDiscountsThroughput() {
        PeerScore score = new PeerScore();
        score.sample(10 * MIB, SECOND, 0);

        assertThat(score.value(0)).isEqualTo(10.0 * MIB);
        assertThat(score.value(100)).isEqualTo(5.0 * MIB);
        assertThat(score.value(50)).isEqualTo(7.5 * MIB);
        assertThat(score.value(400)).isEqualTo(score.value(100)); // clamped
    }

    @Test
    void slowerPeersGetAProportionalShareButAtLeastOneRequest() {
        assertThat(PeerScore.allowance(100, 100, 3)).isEqualTo(3);
        assertThat(PeerScore.allowance(50, 100, 3)).isEqualTo(2);
        assertThat(PeerScore.allowance(10, 100, 3)).isEqualTo(1);
        assertThat(PeerScore.allowance(0, 100, 3)).isEqualTo(1);
    }

    @Test
    void loadIsAnnouncedInWholeSteps() {
        assertThat(LoadAnnouncer.quantise(0)).isZero();
        assertThat(LoadAnnouncer.quantise(12)).isZero();
        assertThat(LoadAnnouncer.quantise(13)).isEqualTo(25);
        assertThat(LoadAnnouncer.quantise(99)).isEqualTo(100);
        assertThat(LoadAnnouncer.quantise(250)).isEqualTo(100);
    }
}
