package io.edgeswarm.dashboard.view;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything the pages show, assembled once per poll on the server so a browser never talks to agents and a
 * page costs the same with 3 members or 500.
 *
 * @param statesByZone member counts per zone, then per state
 * @param source the agent the membership came from, or null if none answered
 */
public record SwarmSnapshot(long version, Instant takenAt, List<MemberRow> members, List<ArtifactRow> artifacts,
        List<DistributionRow> distributions, List<Alert> alerts, Map<String, Map<String, Integer>> statesByZone,
        String source) {

    public static SwarmSnapshot empty(Instant now) {
        return new SwarmSnapshot(0, now, List.of(), List.of(), List.of(), List.of(), Map.of(), null);
    }

    public double inRate() {
        return members.stream().mapToDouble(MemberRow::inRate).sum();
    }

    public double outRate() {
        return members.stream().mapToDouble(MemberRow::outRate).sum();
    }

    public long count(String health) {
        return members.stream().filter(m -> m.health().equals(health)).count();
    }

    public java.util.Optional<MemberRow> member(String id) {
        return members.stream().filter(m -> m.id().equals(id)).findFirst();
    }

    public java.util.Optional<ArtifactRow> artifact(String digest) {
        return artifacts.stream().filter(a -> a.digest().equals(digest)).findFirst();
    }

    public java.util.Optional<DistributionRow> distribution(String id) {
        return distributions.stream().filter(d -> d.id().equals(id)).findFirst();
    }
}
