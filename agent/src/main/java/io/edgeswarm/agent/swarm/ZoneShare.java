package io.edgeswarm.agent.swarm;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Keeps what one download takes across the WAN to its part of about one copy per zone. Peers in other zones are asked
 * only for chunks no member of this zone holds, and of those only this download's share: chunk {@code i} falls to
 * the zone's downloader of rank {@code i mod n}, downloaders sorted by id, so every member splits the same way from
 * the same holdings. The rule waits a settle time at the start, so the zone's other downloaders can announce that
 * they fetch too before anyone takes everything, and lifts once the zone has gained no chunk for a grace period, so
 * one slow or vanished member cannot stall the others. Alongside, it counts how far this download lags the zone's
 * other downloaders ({@link CatchUp}). Lives on the download's swarm thread.
 */
final class ZoneShare {

    /**
     * Before fetching across zones, give this zone's other members time to announce that they fetch too (holdings
     * are announced at most once a second, then gossiped), so the WAN share is split among all of them from the
     * start instead of everyone taking everything for the first second.
     */
    static final long SETTLE_MS = 3_000;

    private final String zone;
    private final String localId;
    private final long startedAt;
    private final long settleMs;
    private final long graceMs;
    /** When this agent and its zone's peers together last held more chunks than before: the zone is progressing. */
    private long progressAt;
    private long chunksSeen;
    /** The zone's other partial holders at the last {@link #observe}: how many, and their chunks in all. */
    private int othersPartial;
    private long othersPartialHeld;

    /**
     * @param settleMs how long after the start nothing is taken across while this zone has other members
     *     ({@link #SETTLE_MS} in a download)
     * @param graceMs how long the zone may gain no chunk before anything missing may come across
     */
    ZoneShare(String zone, String localId, long startedAt, long settleMs, long graceMs) {
        this.zone = zone;
        this.localId = localId;
        this.startedAt = startedAt;
        this.settleMs = settleMs;
        this.graceMs = graceMs;
        this.progressAt = startedAt;
    }

    boolean inZone(Download.PeerState peer) {
        return peer.peer.zone().equals(zone);
    }

    /**
     * Once a tick, in one pass over the peers: whether the zone gained chunks, and what the others hold for catching
     * up. A banned peer's holdings were forgotten with its ban, so it is left out of the others rather than counted
     * as holding nothing.
     */
    void observe(long now, int heldHere, int chunkCount, Collection<Download.PeerState> peers) {
        long zoneHeld = heldHere;
        long partialHeld = 0;
        int partial = 0;
        for (Download.PeerState peer : peers) {
            if (!inZone(peer)) {
                continue;
            }
            int held = peer.has.cardinality();
            zoneHeld += held;
            if (peer.present && peer.bannedUntil <= now && held < chunkCount) {
                partialHeld += held;
                partial++;
            }
        }
        if (zoneHeld > chunksSeen) {
            chunksSeen = zoneHeld;
            progressAt = now;
        }
        othersPartial = partial;
        othersPartialHeld = partialHeld;
    }

    /** Extra requests in flight for this download while it lags the zone's others, as of the last observe. */
    int catchUpRequests(int heldHere, int budget, int most) {
        return CatchUp.extraRequests(heldHere, othersPartialHeld, othersPartial, budget, most);
    }

    /**
     * Which chunks peers in other zones may be asked for now, for one scheduling pass (holdings do not change within
     * one; requests do, so {@code requested} is asked each time). A chunk already requested is not asked across
     * again: a second cross-zone copy is the waste this rule exists to avoid, and a stuck request still ends at the
     * chunk timeout.
     *
     * @param zoneHasPeers whether another alive member shares this zone, by gossip
     * @param requested whether a chunk is in flight from any peer
     */
    IntPredicate acrossZones(long now, boolean zoneHasPeers, int chunkCount, Collection<Download.PeerState> peers,
            IntPredicate requested) {
        if (now - startedAt < settleMs && zoneHasPeers) {
            return chunk -> false;
        }
        BitSet heldInZone = new BitSet(chunkCount);
        List<String> downloaders = new ArrayList<>();
        downloaders.add(localId);
        for (Download.PeerState peer : peers) {
            if (!inZone(peer)) {
                continue;
            }
            if (peer.bannedUntil <= now) {
                heldInZone.or(peer.has);
            }
            if (peer.present && !peer.holdsAll(chunkCount)) {
                downloaders.add(peer.peer.id());
            }
        }
        Collections.sort(downloaders);
        int rank = downloaders.indexOf(localId);
        int share = downloaders.size();
        // The grace runs from the zone's last progress, not from the start: over a thin WAN a zone may need much
        // longer than the grace to pull its one copy, and must not start pulling duplicates while it is still
        // getting somewhere.
        boolean graceOver = now - progressAt > graceMs;
        return chunk -> !requested.test(chunk) && !heldInZone.get(chunk)
                && (graceOver || share <= 1 || Math.floorMod(chunk, share) == rank);
    }
}
