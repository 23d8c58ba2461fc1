package io.edgeswarm.agent.membership;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The membership protocol at scale, in the deterministic simulator with memberlist's LAN timing. Each test is
 * seeded; the numbers asserted are bounds the protocol is designed to meet, the measured values are in the report.
 */
class SwimSimulationTest {

    private static final SwimConfig LAN = SwimConfig.lan();

    @ParameterizedTest(name = "N={0}, loss={1}")
    @CsvSource({"100, 0.0", "100, 0.05", "1000, 0.0", "1000, 0.05"})
    void oneUpdateReachesEveryMemberWithinTheRetransmitBound(int n, double loss) {
        var result = GossipExperiments.dissemination(11, LAN, n, loss);

        assertThat(result.reached()).isEqualTo(n - 1);
        // Epidemic spread: each round multiplies the informed set by the fan-out, so about log_3(N) gossip rounds;
        // the bound is the retransmit limit's worth of rounds.
        assertThat(result.allReachedAfterMs()).isLessThan(LAN.retransmitLimit(n) * LAN.gossipIntervalMs());
        assertThat(result.incarnationRegressions()).isZero();
    }

    @ParameterizedTest(name = "N={0}, loss={1}")
    @CsvSource({"100, 0.0", "100, 0.05", "1000, 0.05"})
    void crashedMembersAreDeclaredDeadByEveryoneAndNobodyElseIs(int n, double loss) {
        var result = GossipExperiments.crashDetection(12, LAN, n, loss, 3);

        assertThat(result.undetected()).isZero();
        assertThat(result.falseDead()).isZero();
        // Dead once the suspicion timeout (at least suspicionMin) has run, plus dissemination.
        assertThat(result.deadP50Ms()).isBetween(LAN.suspicionMinMs(n), LAN.suspicionMinMs(n) + 10_000);
        assertThat(result.deadP99Ms()).isLessThan(LAN.suspicionMinMs(n) * LAN.suspicionMaxTimeoutMult());
    }

    @Test
    void firstDetectionTakesAboutOneAndAHalfProbePeriodsOnAverage() {
        int trials = 30;
        double probePeriods = 0;
        for (int seed = 0; seed < trials; seed++) {
            probePeriods += GossipExperiments.crashDetection(100 + seed, LAN, 100, 0, 1).firstProbePeriods();
        }
        double mean = probePeriods / trials;

        // SWIM (Das et al. 2002, section 3.1): N-1 members each ping one of N-1 others per period, so pings reach a
        // given member at a rate of one per period: the first comes about 1 period after the crash in continuous
        // time, which is SWIM's e/(e-1) ~ 1.58 when counted in whole protocol periods.
        assertThat(mean).isBetween(0.8, 1.4);
    }

    @Test
    void lifeguardKeepsHealthyMembersAliveUnderLossAndPausedPeers() {
        var on = GossipExperiments.falsePositives(13, LAN, 100, 0.05, 0.01, 600_000);

        assertThat(on.pauses()).isGreaterThan(30);
        assertThat(on.healthyDeclaredDead()).isZero();
        assertThat(on.incarnationRegressions()).isZero();
    }

    @Test
    void halvesOfAPartitionFindEachOtherAfterItIsLifted() {
        var result = GossipExperiments.partitionHeal(14, LAN, 100, 60_000, 120_000);

        assertThat(result.splitObserved()).isTrue();
        assertThat(result.healedAfterMs()).isBetween(0L, 60_000L);
    }

    @Test
    void protocolCostPerMemberStaysFlatFromHundredToThousandMembers() {
        var small = GossipExperiments.steadyLoad(15, LAN, 100, 30_000);
        var large = GossipExperiments.steadyLoad(15, LAN, 1000, 30_000);

        assertThat(large.packetsPerMemberSecond()).isLessThan(small.packetsPerMemberSecond() * 1.25);
        assertThat(large.bytesPerMemberSecond()).isLessThan(small.bytesPerMemberSecond() * 1.25);
    }

    @Test
    void membersJoiningThroughOneSeedConverge() {
        long convergedAt = GossipExperiments.timeToConvergeByJoining(16, LAN, 100, 60_000);

        assertThat(convergedAt).isBetween(0L, 30_000L);
    }
}
