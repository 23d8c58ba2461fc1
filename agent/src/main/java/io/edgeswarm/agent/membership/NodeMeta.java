package io.edgeswarm.agent.membership;

import java.util.Map;
import java.util.Objects;

/**
 * The small state a member gossips about itself: where its HTTP API is, its zone and labels, its load, and a compact
 * summary of the artifacts it holds (opaque here; the swarm code defines it and fetches details over HTTP). Encoded
 * size is bounded by {@link MessageCodec#MAX_META_BYTES} so an alive message always fits in one datagram.
 */
public record NodeMeta(String httpAddress, String zone, Map<String, String> labels, int load, byte[] artifacts) {

    public static final NodeMeta EMPTY = new NodeMeta("", "default", Map.of(), 0, new byte[0]);

    public NodeMeta {
        Objects.requireNonNull(httpAddress, "httpAddress");
        Objects.requireNonNull(zone, "zone");
        labels = Map.copyOf(labels);
        artifacts = artifacts.clone();
    }

    @Override
    public byte[] artifacts() {
        return artifacts.clone();
    }

    public NodeMeta withLoad(int newLoad) {
        return new NodeMeta(httpAddress, zone, labels, newLoad, artifacts);
    }

    public NodeMeta withArtifacts(byte[] summary) {
        return new NodeMeta(httpAddress, zone, labels, load, summary);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodeMeta m && httpAddress.equals(m.httpAddress) && zone.equals(m.zone)
                && labels.equals(m.labels) && load == m.load && java.util.Arrays.equals(artifacts, m.artifacts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(httpAddress, zone, labels, load, java.util.Arrays.hashCode(artifacts));
    }
}
