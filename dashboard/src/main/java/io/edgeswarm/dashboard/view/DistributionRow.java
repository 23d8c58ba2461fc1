package io.edgeswarm.dashboard.view;

import java.time.Instant;
import java.util.List;

/** A campaign and, per target, how far it is, from the dashboard's own poll of the targets. */
public record DistributionRow(String id, String digest, String artifactName, String selector, Instant createdAt,
        String owner, List<Target> targets) {

    /** One target member. */
    public record Target(String member, String zone, double progress, boolean complete, double bytesPerSecond,
            Long etaSeconds, String error) {
    }

    public long completeCount() {
        return targets.stream().filter(Target::complete).count();
    }

    public boolean done() {
        return !targets.isEmpty() && completeCount() == targets.size();
    }

    public double progress() {
        return targets.isEmpty() ? 0 : targets.stream().mapToDouble(Target::progress).average().orElse(0);
    }
}
