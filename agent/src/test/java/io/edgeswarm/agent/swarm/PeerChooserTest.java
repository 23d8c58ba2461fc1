package io.edgeswarm.agent.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Requests go to the less loaded of two random peers: loads stay even, and nobody is left out. */
class PeerChooserTest {

    private final PeerChooser chooser = new PeerChooser(new SplittableRandom(42));

    @Test
    void noCandidatesIsNoChoiceAndOneIsThatOne() {
        assertThat(chooser.choose(List.<Integer>of(), i -> 0)).isEqualTo(-1);
        assertThat(chooser.choose(List.of(7), i -> 100)).isZero();
    }

    @Test
    void ofTwoCandidatesTheLessLoadedIsAlwaysChosen() {
        List<String> peers = List.of("busy", "idle");
        for (int i = 0; i < 100; i++) {
            assertThat(chooser.choose(peers, peer -> peer.equals("busy") ? 9 : 1)).isEqualTo(1);
        }
    }

    @Test
    void equallyLoadedCandidatesAreChosenAboutEquallyOften() {
        List<Integer> peers = List.of(0, 1, 2, 3);
        int[] chosen = new int[peers.size()];
        int draws = 20_000;
        for (int i = 0; i < draws; i++) {
            chosen[chooser.choose(peers, peer -> 0)]++;
        }
        for (int count : chosen) {
            assertThat(count).isBetween(draws / 4 - draws / 40, draws / 4 + draws / 40);
        }
    }

    @Test
    void theMostLoadedCandidateIsNeverChosenWhileOthersAreLess() {
        List<Integer> loads = List.of(5, 1, 3, 9);
        for (int i = 0; i < 1_000; i++) {
            assertThat(chooser.choose(loads, Integer::doubleValue)).isNotEqualTo(3);
        }
    }

    /** The classic balls-into-bins result: two choices keep the fullest bin within a few of the mean. */
    @Test
    void assigningManyRequestsKeepsEveryPeerNearTheMean() {
        int peers = 100;
        int requests = 1_000;
        int[] twoChoices = assign(peers, requests, true);
        int[] oneChoice = assign(peers, requests, false);

        int mean = requests / peers;
        assertThat(Arrays.stream(twoChoices).max().orElseThrow()).isLessThanOrEqualTo(mean + 3);
        assertThat(Arrays.stream(twoChoices).min().orElseThrow()).isGreaterThanOrEqualTo(mean - 3);
        assertThat(Arrays.stream(oneChoice).max().orElseThrow()).isGreaterThan(mean + 3);
    }

    private static int[] assign(int peers, int requests, boolean twoChoices) {
        int[] load = new int[peers];
        List<Integer> candidates = new ArrayList<>(IntStream.range(0, peers).boxed().toList());
        PeerChooser chooser = new PeerChooser(new SplittableRandom(7));
        SplittableRandom single = new SplittableRandom(7);
        for (int i = 0; i < requests; i++) {
            int peer = twoChoices ? candidates.get(chooser.choose(candidates, p -> load[p])) : single.nextInt(peers);
            load[peer]++;
        }
        return load;
    }
}
