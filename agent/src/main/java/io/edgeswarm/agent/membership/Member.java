package io.edgeswarm.agent.membership;

/** A snapshot of one member as this node sees it. */
public record Member(String id, NodeAddress address, NodeMeta meta, MemberState state, long incarnation,
        long stateChangedAt) {
}
