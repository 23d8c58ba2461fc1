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
 */
public final class PiecePicker {

    /** Chunks picked at random (among the peer's lowest-numbered few, see {@link #TIE_WINDOW}) before rarest first. */
    static final int RANDOM_FIRST = 4;
    /**
     * Equally rare chunks are drawn from the lowest-numbered few, not from all: chunks then arrive nearly in order, so
     * the whole digest advances with them (the check at completion has little left to hash), while downloaders asking
     * the origin for chunks nobody else has yet still seldom ask for the same one.
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
    }

    private final RandomGenerator random;

    public PiecePicker(RandomGenerator random) {
        this.random = random;
    }

    /**
     * @param peerHas chunks the peer holds
     * @param allowed whether this peer may be asked for a chunk (zone rules); null allows all
     * @return the chunk to request, or -1 if this peer has nothing we should ask it for now
     */
    public int next(View view, String peer, BitSet peerHas, java.util.function.IntPredicate allowed) {
        int pick = pick(view, peer, peerHas, allowed, false);
        if (pick >= 0) {
            return pick;
        }
        return endgame(view) ? pick(view, peer, peerHas, allowed, true) : -1;
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
            boolean endgame) {
        boolean randomFirst = view.heldCount() < RANDOM_FIRST;
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
            } else if (rarity == bestRarity && ties < TIE_WINDOW && random.nextInt(++ties) == 0) {
                best = c; // reservoir sampling: uniform among the lowest-numbered equals
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
