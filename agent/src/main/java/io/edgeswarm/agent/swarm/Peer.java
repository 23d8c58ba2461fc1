package io.edgeswarm.agent.swarm;

/** A member that may serve chunks: its id, HTTP base URL and zone. */
public record Peer(String id, String baseUrl, String zone) {
}
