package io.edgeswarm.agent.swarm;

import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.random.RandomGenerator;

/**
 * Chooses which of equally useful peers the next chunk request goes to, by the power of two random choices
 * (Mitzenmacher, "The power of two choices in randomized load balancing"): two candidates drawn at random, the less
 * loaded wins. Every downloader sending its next request to the least loaded peer, as judged from the same slightly
 * stale numbers, would herd onto that peer while others sat idle; two random choices balance the uploads nearly as
 * well as full knowledge would, and do not herd. Pure: the caller owns the candidates.
 */
final class PeerChooser {

    private final RandomGenerator random;

    PeerChooser(RandomGenerator random) {
        this.random = random;
    }

    /** The index of the chosen candidate; -1 if there are none. */
    <T> int choose(List<T> candidates, ToDoubleFunction<T> load) {
        int n = candidates.size();
        if (n <= 1) {
            return n - 1;
        }
        int first = random.nextInt(n);
        int second = random.nextInt(n - 1);
        if (second >= first) {
            second++; // two distinct candidates, each pair equally likely
        }
        return load.applyAsDouble(candidates.get(second)) < load.applyAsDouble(candidates.get(first)) ? second : first;
    }
}
