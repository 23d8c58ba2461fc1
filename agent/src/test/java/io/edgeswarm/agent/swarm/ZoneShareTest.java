package io.edgeswarm.agent.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ZoneShareTest {

    private static final int CHUNKS = 8;
    private static final long SETTLE_MS = 3_000;
    private static final long GRACE_MS = 15_000;
    private static final IntPredicate NONE_REQUESTED = chunk -> false;

    /** This agent is "b" in zone-a, started at 0. */
    private final ZoneShare share = new ZoneShare("zone-a", "b", 0, SETTLE_MS, GRACE_MS);

    @Test
    void nothingCrossesWhileTheZoneSettlesUnlessThisAgentIsAlone() {
        List<Download.PeerState> peers = List.of(peer("x", "zone-b", CHUNKS));

        assertThat(allowed(share.acrossZones(1_000, true, CHUNKS, peers, NONE_REQUESTED))).isEmpty();
        assertThat(allowed(share.acrossZones(1_000, false, CHUNKS, peers, NONE_REQUESTED)))
                .containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
    }

    @Test
    void chunksAreSplitAmongTheZonesDownloadersByRankOfTheirIds() {
        // "d" has not answered for the artifact, so it is no downloader: a, b, c sorted, this agent ("b") is 1 of 3.
        Download.PeerState silent = peer("d", "zone-a", 0);
        silent.present = false;
        List<Download.PeerState> peers = List.of(peer("c", "zone-a", 0), silent, peer("a", "zone-a", 0),
                peer("x", "zone-b", CHUNKS));

        assertThat(allowed(share.acrossZones(SETTLE_MS, true, CHUNKS, peers, NONE_REQUESTED))).containsExactly(1, 4, 7);
    }

    @Test
    void aMemberThatHoldsEverythingLeavesNothingToCross() {
        List<Download.PeerState> peers = List.of(peer("a", "zone-a", CHUNKS), peer("x", "zone-b", CHUNKS));

        assertThat(allowed(share.acrossZones(GRACE_MS + 1, true, CHUNKS, peers, NONE_REQUESTED))).isEmpty();
    }

    @Test
    void whatAMemberOfTheZoneHoldsNeverCrossesAndABannedMembersHoldingsDoNotCount() {
        Download.PeerState holder = peer("a", "zone-a", 0);
        holder.has.set(1);
        holder.has.set(3);
        Download.PeerState banned = peer("c", "zone-a", 0);
        banned.has.set(5);
        banned.bannedUntil = 60_000;
        List<Download.PeerState> peers = List.of(holder, banned, peer("x", "zone-b", CHUNKS));

        // Downloaders a, b, c: "b" has rank 1 of 3, so chunks 1, 4 and 7 are its share; "a" holds 1 already.
        assertThat(allowed(share.acrossZones(SETTLE_MS, true, CHUNKS, peers, NONE_REQUESTED))).containsExactly(4, 7);
        // Once the grace is over, anything missing may cross, except what the zone holds.
        assertThat(allowed(share.acrossZones(GRACE_MS + 1, true, CHUNKS, peers, NONE_REQUESTED)))
                .containsExactly(0, 2, 4, 5, 6, 7);
    }

    @Test
    void aChunkAlreadyRequestedDoesNotCrossTwice() {
        List<Download.PeerState> peers = List.of(peer("x", "zone-b", CHUNKS));

        assertThat(allowed(share.acrossZones(SETTLE_MS, false, CHUNKS, peers, chunk -> chunk % 2 == 0)))
                .containsExactly(1, 3, 5, 7);
    }

    @Test
    void theGraceRunsFromTheZonesLastProgressNotFromTheStart() {
        Download.PeerState other = peer("a", "zone-a", 0);
        List<Download.PeerState> peers = List.of(other, peer("x", "zone-b", CHUNKS));
        share.observe(1_000, 0, CHUNKS, peers);
        other.has.set(0); // the zone gained a chunk at 10 s
        share.observe(10_000, 0, CHUNKS, peers);
        share.observe(20_000, 0, CHUNKS, peers); // nothing new since

        // Downloaders a, b: this agent takes the odd chunks until 15 s after the zone's last gain.
        assertThat(allowed(share.acrossZones(10_000 + GRACE_MS, true, CHUNKS, peers, NONE_REQUESTED)))
                .containsExactly(1, 3, 5, 7);
        assertThat(allowed(share.acrossZones(10_000 + GRACE_MS + 1, true, CHUNKS, peers, NONE_REQUESTED)))
                .containsExactly(1, 2, 3, 4, 5, 6, 7);
    }

    @Test
    void aDownloadBehindTheZonesOtherPartialHoldersCatchesUp() {
        Download.PeerState ahead = peer("a", "zone-a", 0);
        ahead.has.set(0, 6);
        Download.PeerState complete = peer("c", "zone-a", CHUNKS);
        Download.PeerState elsewhere = peer("x", "zone-b", 0);
        elsewhere.has.set(0, 7);
        share.observe(1_000, 0, CHUNKS, List.of(ahead, complete, elsewhere));

        // Only "a" counts: "c" holds everything, "x" is in another zone. 6 chunks behind, 2 per half budget of 4.
        assertThat(share.catchUpRequests(0, 4, 10)).isEqualTo(3);
        assertThat(share.catchUpRequests(6, 4, 10)).isZero();
    }

    /** A peer that answered for the artifact, holding its first {@code held} chunks (none if negative). */
    private static Download.PeerState peer(String id, String zone, int held) {
        Download.PeerState state = new Download.PeerState(new Peer(id, "http://" + id, zone, 0));
        state.present = true;
        if (held > 0) {
            state.has.set(0, held);
        }
        return state;
    }

    private static List<Integer> allowed(IntPredicate rule) {
        return IntStream.range(0, CHUNKS).filter(rule).boxed().toList();
    }
}
