package io.edgeswarm.dashboard.view;

import java.util.List;
import java.util.Map;

/** One artifact across the swarm: who holds it, how far each is, and where their bytes came from. */
public record ArtifactRow(String digest, String name, long size, List<Holding> holdings) {

    /** One member's copy. {@code bytesBySource} is keyed {@code source/locality}, from its latest download. */
    public record Holding(String member, String zone, double progress, boolean complete, boolean origin,
            double bytesPerSecond, Long etaSeconds, Map<String, Long> bytesBySource, String error) {
    }

    public String shortDigest() {
        return DigestLabel.of(digest);
    }

    public long completeCount() {
        return holdings.stream().filter(Holding::complete).count();
    }

    public long partialCount() {
        return holdings.stream().filter(h -> !h.complete()).count();
    }

    /** Sum of the holdings' byte sources, keyed {@code source/locality}. */
    public Map<String, Long> bytesBySource() {
        Map<String, Long> total = new java.util.TreeMap<>();
        holdings.forEach(h -> h.bytesBySource().forEach((k, v) -> total.merge(k, v, Long::sum)));
        return total;
    }

    /** Holdings grouped by zone, zones sorted. */
    public Map<String, List<Holding>> byZone() {
        Map<String, List<Holding>> zones = new java.util.TreeMap<>();
        holdings.forEach(h -> zones.computeIfAbsent(h.zone(), z -> new java.util.ArrayList<>()).add(h));
        return zones;
    }
}
