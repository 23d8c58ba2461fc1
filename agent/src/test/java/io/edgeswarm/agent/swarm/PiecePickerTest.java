package io.edgeswarm.agent.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PiecePickerTest {

    /** A download's state, written directly by the test. */
    static final class FakeView implements PiecePicker.View {
        final int count;
        final BitSet held = new BitSet();
        final int[] holders;
        final Map<Integer, Set<String>> requested = new HashMap<>();

        FakeView(int count) {
            this.count = count;
            this.holders = new int[count];
        }

        @Override
        public int chunkCount() {
            return count;
        }

        @Override
        public boolean held(int chunk) {
            return held.get(chunk);
        }

        @Override
        public int requested(int chunk) {
            return requested.getOrDefault(chunk, Set.of()).size();
        }

        @Override
        public boolean requestedFrom(int chunk, String peer) {
            return requested.getOrDefault(chunk, Set.of()).contains(peer);
        }

        @Override
        public int holders(int chunk) {
            return holders[chunk];
        }

        @Override
        public int heldCount() {
            return held.cardinality();
        }

        @Override
        public int firstMissing() {
            return Math.min(count, held.nextClearBit(0));
        }

        void request(int chunk, String peer) {
            requested.computeIfAbsent(chunk, c -> new HashSet<>()).add(peer);
        }
    }

    private final PiecePicker picker = new PiecePicker(new SplittableRandom(1));

    @Test
    void afterTheFirstFewChunksTheRarestIsPicked() {
        FakeView view = new FakeView(10);
        view.held.set(0, 5);
        java.util.Arrays.fill(view.holders, 5);
        view.holders[7] = 1;

        assertThat(picker.next(view, "p", all(10), null, false)).isEqualTo(7);
    }

    @Test
    void firstChunksArePickedAtRandomNotByRarity() {
        FakeView view = new FakeView(100);
        java.util.Arrays.fill(view.holders, 5);
        view.holders[0] = 1;

        assertThat(picks(view, 20)).hasSizeGreaterThan(5);
    }

    @Test
    void equallyRareChunksAreDrawnFromTheLowestNumberedFew() {
        FakeView view = new FakeView(100);
        view.held.set(0, 5);
        java.util.Arrays.fill(view.holders, 3);
        view.holders[60] = 2;
        view.holders[90] = 2;
        assertThat(picks(view, 50)).containsExactlyInAnyOrder(60, 90);

        view.holders[60] = 3;
        view.holders[90] = 3;
        assertThat(picks(view, 200)).hasSize(PiecePicker.TIE_WINDOW)
                .allMatch(c -> c >= 5 && c < 5 + PiecePicker.TIE_WINDOW);
    }

    @Test
    void chunksAskedOfAnOriginAreDrawnFromAllEquals() {
        // The first few at random and then rarest first, as from any peer, but from every equal chunk rather than
        // the lowest-numbered few: downloaders that all start at an origin in its first pass would otherwise ask it
        // for the same few chunks, and all but one would be refused (at N=16, most first requests were).
        FakeView starting = new FakeView(100);
        java.util.Arrays.fill(starting.holders, 1);
        assertThat(originPicks(starting, 200)).hasSizeGreaterThan(50).anyMatch(c -> c >= 50);

        FakeView underway = new FakeView(100);
        underway.held.set(0, 10);
        java.util.Arrays.fill(underway.holders, 1);
        assertThat(originPicks(underway, 200)).hasSizeGreaterThan(50).anyMatch(c -> c >= 60)
                .noneMatch(c -> c < 10);
    }

    /** The distinct chunks of {@code times} picks from an origin that has everything. */
    private Set<Integer> originPicks(FakeView view, int times) {
        Set<Integer> picks = new HashSet<>();
        for (int i = 0; i < times; i++) {
            picks.add(picker.next(view, "origin", all(view.chunkCount()), null, false, true));
        }
        return picks;
    }

    /** The distinct chunks of {@code times} picks from a peer that has everything. */
    private Set<Integer> picks(FakeView view, int times) {
        Set<Integer> picks = new HashSet<>();
        for (int i = 0; i < times; i++) {
            picks.add(picker.next(view, "p", all(view.chunkCount()), null, false));
        }
        return picks;
    }

    /** Ten chunks, 0-4 held, every one held by nine peers but chunk 7, the rarest, by one. */
    private static FakeView lackingFiveAndRareSeven() {
        FakeView view = new FakeView(10);
        view.held.set(0, 5);
        java.util.Arrays.fill(view.holders, 9);
        view.holders[7] = 1;
        return view;
    }

    @Test
    void theLowestMissingChunkGoesFirstThoughEveryoneHasIt() {
        FakeView view = lackingFiveAndRareSeven();
        view.held.set(6);

        assertThat(picker.next(view, "p", all(10), null, true)).isEqualTo(5);
        // One request for it at a time: with chunk 5 asked of someone, rarest first again.
        view.request(5, "p");
        assertThat(picker.next(view, "q", all(10), null, true)).isEqualTo(7);
    }

    @Test
    void theLowestMissingChunkDoesNotGoFirstWhenItMayNotOrCannotBeAskedFor() {
        FakeView view = lackingFiveAndRareSeven();
        BitSet withoutFive = all(10);
        withoutFive.clear(5);

        assertThat(picker.next(view, "origin", all(10), null, false)).as("an origin in its first pass").isEqualTo(7);
        assertThat(picker.next(view, "p", withoutFive, null, true)).as("the peer lacks it").isEqualTo(7);
        assertThat(picker.next(view, "remote", all(10), chunk -> chunk != 5, true)).as("zone rule").isEqualTo(7);
    }

    @Test
    void theFirstFewChunksStayRandomEvenWithTheFrontierFirst() {
        FakeView view = new FakeView(100);
        java.util.Arrays.fill(view.holders, 5);

        Set<Integer> picks = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            picks.add(picker.next(view, "p", all(100), null, true));
        }
        assertThat(picks).hasSizeGreaterThan(5);
    }

    @Test
    void onlyChunksThePeerHasAreAskedFor() {
        FakeView view = new FakeView(10);
        BitSet peerHas = new BitSet();
        peerHas.set(3);

        assertThat(picker.next(view, "p", peerHas, null, false)).isEqualTo(3);
        view.held.set(3);
        assertThat(picker.next(view, "p", peerHas, null, false)).isEqualTo(-1);
    }

    @Test
    void requestedChunksAreNotAskedTwiceBeforeEndgame() {
        FakeView view = new FakeView(3);
        view.request(0, "a");
        view.request(1, "a");

        assertThat(picker.next(view, "b", all(3), null, false)).isEqualTo(2);
    }

    @Test
    void inEndgameAChunkGetsOneDuplicateRequestFromAnotherPeer() {
        FakeView view = new FakeView(3);
        view.held.set(0, 2);
        view.request(2, "a");

        assertThat(picker.next(view, "a", all(3), null, false)).isEqualTo(-1);
        assertThat(picker.next(view, "b", all(3), null, false)).isEqualTo(2);
        view.request(2, "b");
        assertThat(picker.next(view, "c", all(3), null, false)).isEqualTo(-1);
    }

    @Test
    void zoneRuleLimitsWhatAPeerMayBeAskedFor() {
        FakeView view = new FakeView(6);

        int pick = picker.next(view, "remote", all(6), chunk -> chunk % 3 == 1, false);

        assertThat(pick % 3).isEqualTo(1);
    }

    private static BitSet all(int n) {
        BitSet bits = new BitSet();
        bits.set(0, n);
        return bits;
    }
}
