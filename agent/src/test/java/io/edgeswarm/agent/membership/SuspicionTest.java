package io.edgeswarm.agent.membership;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SuspicionTest {

    @Test
    void timeoutStartsAtMaximumAndReachesMinimumWithAllConfirmations() {
        assertThat(Suspicion.timeoutMs(0, 3, 2_000, 12_000)).isEqualTo(12_000);
        assertThat(Suspicion.timeoutMs(1, 3, 2_000, 12_000)).isEqualTo(7_000);
        assertThat(Suspicion.timeoutMs(3, 3, 2_000, 12_000)).isEqualTo(2_000);
    }

    @Test
    void withNoConfirmationsExpectedTheMinimumApplies() {
        assertThat(Suspicion.timeoutMs(0, 0, 2_000, 12_000)).isEqualTo(2_000);
    }

    @Test
    void lanDefaultsMatchMemberlist() {
        SwimConfig lan = SwimConfig.lan();

        assertThat(lan.suspicionMinMs(100)).isEqualTo(8_000);
        assertThat(lan.suspicionMinMs(3)).isEqualTo(4_000);
        assertThat(lan.retransmitLimit(100)).isEqualTo(12);
        assertThat(lan.retransmitLimit(1000)).isEqualTo(16);
        assertThat(lan.pushPullIntervalMs(32)).isEqualTo(30_000);
        assertThat(lan.pushPullIntervalMs(100)).isEqualTo(90_000);
    }
}
