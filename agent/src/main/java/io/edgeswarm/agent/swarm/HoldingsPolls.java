package io.edgeswarm.agent.swarm;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Which peers a download polls for their bitfield in one round: those due (not heard from for their refresh interval),
 * stalest first, and no more than a budget. Without the budget every downloader polled every member of its zone each
 * second, which at a few hundred hosts per zone is tens of thousands of requests a second across the zone, most of
 * them to hosts that had nothing new. Peers we fetch from, and peers that fetch from us, send their bitfields with
 * every chunk request and reply, so polls only fill in the rest; with a budget a host answers about as many polls a
 * second as the budget, however large its zone, and a zone of n members is still polled round by round.
 */
final class HoldingsPolls {

    /** Peers known to fetch the artifact first, then in each download's own random order. */
    static final Comparator<Download.PeerState> FETCHING_FIRST = Comparator
            .comparing((Download.PeerState s) -> !s.present).thenComparingInt(s -> s.pollOrder);

    private HoldingsPolls() {
    }

    /**
     * The peers to poll now.
     *
     * @param peers every peer the download knows
     * @param now the swarm clock, in milliseconds
     * @param interval how long a peer's bitfield stays fresh, by peer
     * @param budget polls allowed in this round, at least one
     */
    static List<Download.PeerState> due(Collection<Download.PeerState> peers, long now,
            ToLongFunction<Download.PeerState> interval, int budget) {
        List<Download.PeerState> due = new ArrayList<>();
        for (Download.PeerState state : peers) {
            boolean fresh = now - state.bitfieldAt < interval.applyAsLong(state);
            if (pollable(state, now) && !fresh) {
                due.add(state);
            }
        }
        if (due.size() > budget) {
            // Stalest first, so every peer has its turn within a few rounds. Ties (peers never heard from, at the
            // start) are broken by a number each download draws at random per peer: downloaders that start together
            // then poll different peers first, instead of all polling the same few.
            due.sort(Comparator.comparingLong((Download.PeerState s) -> s.bitfieldAt)
                    .thenComparingInt(s -> s.pollOrder));
            return List.copyOf(due.subList(0, budget));
        }
        return due;
    }

    /** Not banned, and no poll of it on its way. */
    private static boolean pollable(Download.PeerState state, long now) {
        return !state.bitfieldPending && state.bannedUntil <= now;
    }

    /**
     * The peers to tell of a download's first chunk with a poll, whether due or not: every peer that may be fetching
     * the artifact too (not the one that sent the chunk, one known to hold it all, a banned one or one with a poll on
     * its way), those known to be fetching it first, then in each download's own random order, at most a budget.
     */
    static List<Download.PeerState> firstNews(Collection<Download.PeerState> peers, Download.PeerState sender,
            long now, int chunkCount, int budget) {
        List<Download.PeerState> told = new ArrayList<>();
        for (Download.PeerState state : peers) {
            if (state != sender && pollable(state, now) && !state.holdsAll(chunkCount)) {
                told.add(state);
            }
        }
        told.sort(FETCHING_FIRST);
        return told.size() > budget ? List.copyOf(told.subList(0, budget)) : told;
    }
}
