package io.edgeswarm.agent.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HoldingsPollsTest {

    private static final long INTERVAL_MS = 1_000;

    @Test
    void aZoneWithinTheBudgetIsPolledWholeEachRound() {
        List<Download.PeerState> zone = zone(15);

        assertThat(HoldingsPolls.due(zone, 5_000, s -> INTERVAL_MS, 16)).containsExactlyInAnyOrderElementsOf(zone);
    }

    @Test
    void freshPendingAndBannedPeersAreNotPolled() {
        List<Download.PeerState> zone = zone(4);
        zone.get(0).bitfieldAt = 4_500;        // heard from half a second ago
        zone.get(1).bitfieldPending = true;    // a poll is on its way
        zone.get(2).bannedUntil = 60_000;

        assertThat(HoldingsPolls.due(zone, 5_000, s -> INTERVAL_MS, 16)).containsExactly(zone.get(3));
    }

    @Test
    void eachPeersOwnIntervalDecidesWhenItIsDue() {
        List<Download.PeerState> zone = zone(2);
        zone.forEach(s -> s.bitfieldAt = 3_000);
        Download.PeerState complete = zone.get(0);

        assertThat(HoldingsPolls.due(zone, 5_000, s -> s == complete ? 10_000 : INTERVAL_MS, 16))
                .containsExactly(zone.get(1));
    }

    @Test
    void aLargeZoneIsPolledWithinTheBudgetStalestFirstAndEveryPeerInTurn() {
        List<Download.PeerState> zone = zone(300);
        Set<Download.PeerState> polled = new HashSet<>();
        long now = 10_000;
        int rounds = 0;
        while (polled.size() < zone.size()) {
            List<Download.PeerState> due = HoldingsPolls.due(zone, now, s -> INTERVAL_MS, 16);
            assertThat(due).hasSize(16);
            long stalestLeftOut = zone.stream().filter(s -> !due.contains(s)).mapToLong(s -> s.bitfieldAt).min()
                    .orElseThrow();
            assertThat(due).allSatisfy(s -> assertThat(s.bitfieldAt).isLessThanOrEqualTo(stalestLeftOut));
            for (Download.PeerState state : due) {
                state.bitfieldAt = now; // the poll answered
                polled.add(state);
            }
            now += INTERVAL_MS;
            rounds++;
        }
        assertThat(rounds).isEqualTo((300 + 15) / 16);
    }

    @Test
    void downloadersStartingTogetherPollDifferentPeersFirst() {
        // Twenty downloaders of one zone, each with its own states of the same 300 peers, all never heard from.
        Map<String, Integer> firstPolls = new HashMap<>();
        for (int downloader = 0; downloader < 20; downloader++) {
            for (Download.PeerState state : HoldingsPolls.due(zone(300), 10_000, s -> INTERVAL_MS, 16)) {
                firstPolls.merge(state.peer.id(), 1, Integer::sum);
            }
        }
        // Had ties gone by id, all 20 would poll the same 16 peers: 20 polls each. At random, a peer gets about one.
        assertThat(firstPolls.size()).isGreaterThan(150);
        assertThat(firstPolls.values()).allSatisfy(polls -> assertThat(polls).isLessThan(10));
    }

    @Test
    void aFirstChunkIsToldToEveryPeerThatMayBeFetchingKnownDownloadersFirstWithinTheBudget() {
        List<Download.PeerState> zone = zone(40);
        Download.PeerState sender = zone.get(0);
        zone.get(1).has.set(0, 8);              // holds all 8 chunks: nothing to tell it
        zone.get(2).bitfieldPending = true;     // a poll is on its way, and tells it anyway
        zone.get(3).bannedUntil = 60_000;
        List<Download.PeerState> fetching = zone.subList(30, 40);
        fetching.forEach(s -> {
            s.present = true;                   // answered a poll: fetching it too
            s.has.set(3);
        });
        zone.forEach(s -> s.bitfieldAt = 4_900); // every peer heard from 100 ms ago: none is due for a poll

        List<Download.PeerState> told = HoldingsPolls.firstNews(zone, sender, 5_000, 8, 16);

        assertThat(told).hasSize(16).doesNotContain(sender, zone.get(1), zone.get(2), zone.get(3));
        assertThat(told.subList(0, 10)).containsExactlyInAnyOrderElementsOf(fetching);
        assertThat(HoldingsPolls.firstNews(zone, sender, 5_000, 8, 64)).hasSize(36);
    }

    private static List<Download.PeerState> zone(int size) {
        List<Download.PeerState> states = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            states.add(new Download.PeerState(new Peer("h" + i, "http://127.0.0.1:" + (10_000 + i), "zone-a", 0)));
        }
        return states;
    }
}
