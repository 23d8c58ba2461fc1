package io.edgeswarm.agent.swarm;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.springframework.stereotype.Component;

/** The last few things that went wrong on this agent (bans, failed downloads), for status pages and dashboards. */
@Component
public class RecentProblems {

    /** Kept problems; older ones are still in the log. */
    static final int KEPT = 20;

    /** One problem: when, what kind ({@code ban}, {@code download}), and a readable message. */
    public record Problem(Instant at, String kind, String message) {
    }

    private final Clock clock;
    private final Deque<Problem> problems = new ArrayDeque<>();

    public RecentProblems(Clock clock) {
        this.clock = clock;
    }

    public synchronized void record(String kind, String message) {
        if (problems.size() == KEPT) {
            problems.removeFirst();
        }
        problems.addLast(new Problem(clock.instant(), kind, message));
    }

    /** Newest first. */
    public synchronized List<Problem> list() {
        List<Problem> newestFirst = new java.util.ArrayList<>(problems);
        java.util.Collections.reverse(newestFirst);
        return List.copyOf(newestFirst);
    }
}
