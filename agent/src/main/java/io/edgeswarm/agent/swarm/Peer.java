package io.edgeswarm.agent.swarm;

import io.edgeswarm.agent.membership.Member;

/** A member that may serve chunks: its id, HTTP base URL, zone, and the load it gossips (percent of slots busy). */
public record Peer(String id, String baseUrl, String zone, int load) {

    static Peer of(Member member) {
        return new Peer(member.id(), member.meta().httpAddress(), member.meta().zone(), member.meta().load());
    }
}
