package io.edgeswarm.agent.membership;

/**
 * Lifeguard's local health score (Dadgar et al., "Lifeguard: Local Health Awareness for More Accurate Failure
 * Detection", 2018, section IV.A): 0 is healthy. Missed nacks and refuted suspicions about ourselves raise it;
 * successful probes lower it. Probe timeouts are stretched by {@code score + 1}, so a node starved of CPU or network
 * waits longer before it accuses others.
 */
final class Awareness {

    private final int max;
    private int score;

    Awareness(int max) {
        this.max = max;
    }

    void apply(int delta) {
        score = Math.max(0, Math.min(max - 1, score + delta));
    }

    int score() {
        return score;
    }

    long scale(long timeoutMs) {
        return timeoutMs * (score + 1);
    }
}
