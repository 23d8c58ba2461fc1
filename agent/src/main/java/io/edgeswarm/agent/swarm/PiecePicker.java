package io.edgeswarm.agent.swarm;

import java.util.BitSet;
import java.util.Collection;
import java.util.random.RandomGenerator;

/**
 * Chooses the next chunk to ask a given peer for (Cohen, "Incentives build robustness in BitTorrent", section 2.3):
 * the first few chunks at random so a newcomer soon has something to share, then rarest first among what the peer
 * has, random among the lowest-numbered few of equals; in endgame, chunks already requested elsewhere get a second
 * request. Zone rules decide which chunks a peer in another zone may be asked for at all. Pure: the caller owns the
 * state.
 *
 * <p>One exception to rarest first: the lowest chunk the download lacks (its frontier) goes first when the peer has
 * it and nobody is asked for it yet. The whole digest advances in chunk order, and a chunk that every other peer
 * holds is the last one rarest first would pick, so one such chunk could hold the digest back until the download's
 * last second and leave a re-read of everything after it for the end, when every peer finishes at once (at 16 hosts
 * and 1 GiB, 358 to 1021 of 1024 chunks were hashed on arrival without this, 688 to 1024 with it). At most one
 * request is spent on it at a time.
 */
public final class PiecePicker {

    /** Chunks picked at random (among the peer's lowest-numbered few, see {@link #TIE_WINDOW}) before rarest first. */
    static final int RANDOM_FIRST = 4;
    /**
     * Equally rare chunks are drawn from the lowest-numbered few, not from all: chunks then arrive nearly in order, so
     * the whole digest advances with them (the check at completion has little left to hash). Not for an origin: every
     * downloader starts there at once, and drawn from the same few its chunks collide, see {@link #next(View, String,
     * BitSet, java.util.function.IntPredicate, boolean, boolean)}.
     */
    static final int TIE_WINDOW = 8;
    /** Requests for one chunk at most, in endgame. */
    static final int ENDGAME_DUPLICATES = 2;

    /** What the picker may read of a download. */
    public interface View {
        int chunkCount();

        boolean held(int chunk);

        /** Requests in flight for this chunk. */
        int requested(int chunk);

        boolean requestedFrom(int chunk, String peer);

        /** Peers known to hold this chunk. */
        int holders(int chunk);

        int heldCount();

        /** The lowest chunk not held; {@link #chunkCount()} when all are. */
        int firstMissing();
    }

    private final RandomGenerator random;

    public PiecePicker(RandomGenerator random) {
        this.random = random;
    }

    /** {@link #next(View, String, BitSet, java.util.function.IntPredicate, boolean, boolean)} for a peer. */
    public int next(View view, String peer, BitSet peerHas, java.util.function.IntPredicate allowed,
            boolean frontierFirst) {
        return next(view, peer, peerHas, allowed, frontierFirst, false);
    }

    /**
     * @param peerHas chunks the peer holds
     * @param allowed whether this peer may be asked for a chunk (zone rules); null allows all
     * @param frontierFirst whether the download's lowest missing chunk may go first (see above); false for an origin,
     *     which in its first pass refuses chunks it has sent already
     * @param anyOfEquals whether equally rare chunks are drawn from all of them rather than the lowest-numbered few
     *     ({@link #TIE_WINDOW}); true for an origin. Every downloader starts at the origin at the same moment, and in
     *     its first pass the origin sends each chunk once: from the same few, 15 downloaders' first requests collided
     *     and most were refused, each refusal costing its downloader a round trip to an origin whose link is full (at
     *     N=16, 135 refusals in the first 3 s; 1 with draws from all, docs/benchmarks.md)
     * @return the chunk to request, or -1 if this peer has nothing we should ask it for now
     */
    public int next(View view, String peer, BitSet peerHas, java.util.function.IntPredicate allowed,
            boolean frontierFirst, boolean anyOfEquals) {
        if (frontierFirst && !stillRandom(view)) {
            int frontier = view.firstMissing();
            if (frontier < view.chunkCount() && peerHas.get(frontier) && view.requested(frontier) == 0
                    && (allowed == null || allowed.test(frontier))) {
                return frontier;
            }
        }
        int window = anyOfEquals ? Integer.MAX_VALUE : TIE_WINDOW;
        int pick = pick(view, peer, peerHas, allowed, false, window);
        if (pick >= 0) {
            return pick;
        }
        return endgame(view) ? pick(view, peer, peerHas, allowed, true, window) : -1;
    }

    /** Whether the download is still taking its first few chunks at random rather than by rarity. */
    private static boolean stillRandom(View view) {
        return view.heldCount() < RANDOM_FIRST;
    }

    /** Every missing chunk is already requested: duplicates now beat waiting for the slowest peer. */
    static boolean endgame(View view) {
        for (int c = 0; c < view.chunkCount(); c++) {
            if (!view.held(c) && view.requested(c) == 0) {
                return false;
            }
        }
        return true;
    }

    private int pick(View view, String peer, BitSet peerHas, java.util.function.IntPredicate allowed,
            boolean endgame, int window) {
        boolean randomFirst = stillRandom(view);
        int best = -1;
        int bestRarity = Integer.MAX_VALUE;
        int ties = 0;
        for (int c = peerHas.nextSetBit(0); c >= 0 && c < view.chunkCount(); c = peerHas.nextSetBit(c + 1)) {
            if (view.held(c) || (allowed != null && !allowed.test(c))) {
                continue;
            }
            int requested = view.requested(c);
            if (endgame ? requested >= ENDGAME_DUPLICATES || view.requestedFrom(c, peer) : requested > 0) {
                continue;
            }
            int rarity = randomFirst ? 0 : view.holders(c);
            if (rarity < bestRarity) {
                best = c;
                bestRarity = rarity;
                ties = 1;
            } else if (rarity == bestRarity && ties < window && random.nextInt(++ties) == 0) {
                best = c; // reservoir sampling: uniform among the first {@code window} equals
            }
        }
        return best;
    }

    /** Holders of {@code chunk} among the given bitfields. */
    static int countHolders(Collection<BitSet> bitfields, int chunk) {
        int n = 0;
        for (BitSet b : bitfields) {
            if (b.get(chunk)) {
                n++;
            }
        }
        return n;
    }
}
