package io.edgeswarm.agent.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgeswarm.agent.storage.Digest;
import java.util.BitSet;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class OriginFirstPassTest {

    private static final Digest A = Digest.parse("sha256:" + "a".repeat(64));
    private static final Digest B = Digest.parse("sha256:" + "b".repeat(64));

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final OriginFirstPass pass = new OriginFirstPass(nanos::get);

    @Test
    void everyChunkIsSentOnceBeforeAnyIsSentTwice() {
        assertThat(pass.claim(A, 0, 4)).isEqualTo(OriginFirstPass.Claim.FIRST);
        assertThat(pass.claim(A, 2, 4).first()).isTrue();

        OriginFirstPass.Claim again = pass.claim(A, 0, 4);

        assertThat(again.granted()).isFalse();
        assertThat(again.askInstead()).isEqualTo(bits(1, 3));
    }

    @Test
    void onceEveryChunkWasSentAnyChunkMayBeSentAgain() {
        for (int chunk = 0; chunk < 3; chunk++) {
            assertThat(pass.claim(A, chunk, 3).first()).isTrue();
        }

        OriginFirstPass.Claim again = pass.claim(A, 1, 3);

        assertThat(again.granted()).isTrue();
        assertThat(again.first()).isFalse();
    }

    @Test
    void whenNobodyAsksForUnsentChunksTheOriginServesAnything() {
        pass.claim(A, 0, 10);
        nanos.addAndGet(OriginFirstPass.IDLE_AFTER.toNanos() - 1);
        assertThat(pass.claim(A, 0, 10).granted()).isFalse();

        nanos.addAndGet(2);

        assertThat(pass.claim(A, 0, 10).granted()).isTrue();
    }

    @Test
    void aFailedFirstSendPutsTheChunkBack() {
        OriginFirstPass.Claim claim = pass.claim(A, 5, 8);
        pass.failed(A, 5, claim);

        assertThat(pass.claim(A, 5, 8).first()).isTrue();
    }

    @Test
    void aFailedRepeatSendDoesNotUndoTheFirstOne() {
        pass.claim(A, 0, 2);
        pass.claim(A, 1, 2);
        OriginFirstPass.Claim repeat = pass.claim(A, 0, 2);
        pass.failed(A, 0, repeat);
        pass.forget(B);

        assertThat(pass.claim(A, 0, 2).first()).isFalse();
    }

    @Test
    void artifactsArePassedIndependentlyAndForgottenOnDelete() {
        pass.claim(A, 0, 2);
        assertThat(pass.claim(B, 0, 2).first()).isTrue();

        pass.forget(A);

        assertThat(pass.claim(A, 0, 2).first()).isTrue();
    }

    private static BitSet bits(int... indexes) {
        BitSet set = new BitSet();
        for (int i : indexes) {
            set.set(i);
        }
        return set;
    }
}
