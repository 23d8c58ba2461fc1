package io.edgeswarm.agent.membership;

import java.util.HashSet;
import java.util.Set;

/**
 * The timer of one suspected member (Lifeguard section IV.B). It starts at {@code max} and shrinks towards
 * {@code min} as independent members confirm the suspicion: after c of k expected confirmations the timeout is
 * {@code max - (max - min) * log(c + 1) / log(k + 1)}. A suspicion nobody confirms gives the suspect the longest
 * time to refute.
 */
final class Suspicion {

    private final GossipEnvironment env;
    private final int expectedConfirmations;
    private final long minMs;
    private final long maxMs;
    private final long startedAt;
    private final Set<String> confirmers = new HashSet<>();
    private final Runnable onTimeout;
    private GossipEnvironment.Cancellable timer;

    Suspicion(GossipEnvironment env, String from, int expectedConfirmations, long minMs, long maxMs,
            Runnable onTimeout) {
        this.env = env;
        this.expectedConfirmations = expectedConfirmations;
        this.minMs = minMs;
        this.maxMs = maxMs;
        this.startedAt = env.now();
        this.onTimeout = onTimeout;
        confirmers.add(from);
        schedule();
    }

    /** Records a confirmation; true if {@code from} is new and counts, so the suspicion should be re-gossiped. */
    boolean confirm(String from) {
        if (confirmers.size() - 1 >= expectedConfirmations || !confirmers.add(from)) {
            return false;
        }
        timer.cancel();
        schedule();
        return true;
    }

    void cancel() {
        timer.cancel();
    }

    static long timeoutMs(int confirmations, int expected, long minMs, long maxMs) {
        if (expected <= 0) {
            return minMs;
        }
        double fraction = Math.log(confirmations + 1.0) / Math.log(expected + 1.0);
        long raw = (long) Math.floor(maxMs - fraction * (maxMs - minMs));
        return Math.max(raw, minMs);
    }

    private void schedule() {
        long timeout = timeoutMs(confirmers.size() - 1, expectedConfirmations, minMs, maxMs);
        long remaining = Math.max(0, startedAt + timeout - env.now());
        timer = env.schedule(remaining, onTimeout);
    }
}
