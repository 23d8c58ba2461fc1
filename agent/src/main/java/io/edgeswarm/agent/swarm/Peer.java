package io.edgeswarm.agent.swarm;

import io.edgeswarm.agent.membership.Member;

/** A member that may serve chunks: its id, HTTP base URL and zone. */
public record Peer(String id, String baseUrl, String zone) {

    static Peer of(Member member) {
        return new Peer(member.id(), member.meta().httpAddress(), member.meta().zone());
    }
}
