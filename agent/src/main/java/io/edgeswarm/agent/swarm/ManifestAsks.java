package io.edgeswarm.agent.swarm;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which holder a download asks for the artifact's manifest, and when. One holder at a time while it answers; one that
 * stays silent for the hedge delay gets company: the next holder is asked as well, and the first acceptable manifest
 * wins (a hedged request, Dean and Barroso, "The Tail at Scale"). At the start of a swarm the origin's uplink queue
 * is full, and its reply took up to 3 s in the lab (a reply of a few kilobytes that loses segments there waits out
 * TCP's retransmission timer, backed off after each loss), while peers that opened the artifact a moment earlier
 * could answer at once. Holders are read afresh at every ask, so one that gossip names only after the first ask can
 * be the hedge.
 *
 * <p>An ask that ends without an acceptable manifest (error, timeout, refusal) is replaced at once. A round ends when
 * every holder has been asked and none is still answering; the next round starts after the retry delay. Not
 * thread-safe: a download's state lives on the swarm thread.
 */
final class ManifestAsks {

    private final long hedgeMs;
    private final int maxOpen;
    private final long retryMs;
    private final Set<String> asked = new HashSet<>();
    private int open;
    /** When a silent ask may get company; 0 after an ask ended, so its replacement goes out at once. */
    private long hedgeAt;
    private long roundAt;

    /**
     * @param hedgeMs how long the newest ask may stay silent before the next holder is asked too
     * @param maxOpen asks open at once at most, so holders that all stall are not all asked within a request timeout
     * @param retryMs the wait between a round in which nobody served an acceptable manifest and the next
     */
    ManifestAsks(long hedgeMs, int maxOpen, long retryMs) {
        if (hedgeMs < 1 || maxOpen < 1 || retryMs < 0) {
            throw new IllegalArgumentException("hedge " + hedgeMs + " ms, " + maxOpen + " open, retry " + retryMs
                    + " ms");
        }
        this.hedgeMs = hedgeMs;
        this.maxOpen = maxOpen;
        this.retryMs = retryMs;
    }

    /** Whether {@link #next} may ask someone now, so a caller can skip reading the holders when it may not. */
    boolean due(long now) {
        return open < maxOpen && now >= (open > 0 ? hedgeAt : roundAt);
    }

    /** The holder to ask now, if any: the caller asks it and reports its end with {@link #ended}. */
    Optional<Peer> next(long now, List<Peer> holders) {
        if (!due(now)) {
            return Optional.empty();
        }
        for (Peer holder : holders) {
            if (asked.add(holder.id())) {
                open++;
                hedgeAt = now + hedgeMs;
                return Optional.of(holder);
            }
        }
        if (open == 0 && !asked.isEmpty()) {
            endRound(now);
        }
        return Optional.empty();
    }

    /** An ask ended without an acceptable manifest. */
    void ended() {
        open--;
        hedgeAt = 0;
    }

    /**
     * Forgets every ask (the caller cancels those still open) and waits the retry delay before the next: a manifest
     * arrived, or a round found none.
     */
    void endRound(long now) {
        asked.clear();
        open = 0;
        hedgeAt = 0;
        roundAt = now + retryMs;
    }

    /** A holder was found directly: ask without waiting for the retry delay or the hedge delay. */
    void askNow() {
        roundAt = 0;
        hedgeAt = 0;
    }

    /** Whether some ask is still open. */
    boolean pending() {
        return open > 0;
    }
}
