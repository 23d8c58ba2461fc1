package io.edgeswarm.agent.membership;

/** SWIM member states; {@code LEFT} is a death announced by the member itself. */
public enum MemberState {
    ALIVE, SUSPECT, DEAD, LEFT;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    boolean isGone() {
        return this == DEAD || this == LEFT;
    }
}
