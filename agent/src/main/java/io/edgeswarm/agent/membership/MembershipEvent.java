package io.edgeswarm.agent.membership;

/** A change in membership, as this node learns it. */
public record MembershipEvent(Type type, Member member) {

    public enum Type { JOINED, SUSPECT, ALIVE, DEAD, LEFT, UPDATED, REAPED }
}
