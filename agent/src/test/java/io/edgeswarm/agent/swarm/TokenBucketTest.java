package io.edgeswarm.agent.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The pacing arithmetic of the rate caps; reservations are computed, not timed. */
class TokenBucketTest {

    private static final long MIB = 1024 * 1024;

    @Test
    void unlimitedBucketNeverDelays() {
        TokenBucket bucket = new TokenBucket(0);

        assertThat(bucket.reserve(64 * MIB)).isZero();
        assertThat(bucket.reserve(64 * MIB)).isZero();
    }

    @Test
    void backToBackChunksAreSpacedByTheirSizeOverTheRate() {
        long[] now = {1_000};
        TokenBucket bucket = new TokenBucket(4 * MIB, () -> now[0]);

        assertThat(bucket.reserve(4 * MIB)).isZero();
        assertThat(bucket.reserve(4 * MIB)).isEqualTo(1_000_000_000L);
        assertThat(bucket.reserve(2 * MIB)).isEqualTo(2_000_000_000L);
    }

    @Test
    void idleTimeIsNotBankedIntoABurst() {
        long[] now = {0};
        TokenBucket bucket = new TokenBucket(4 * MIB, () -> now[0]);
        bucket.reserve(4 * MIB);

        now[0] += 10_000_000_000L; // ten idle seconds
        assertThat(bucket.reserve(4 * MIB)).isZero();
        assertThat(bucket.reserve(4 * MIB)).isEqualTo(1_000_000_000L);
    }
}
