package io.edgeswarm.agent.swarm;

/**
 * A peer answered a chunk request with an error status other than busy (503) or sent already (409). It carries no
 * stack trace: it is an answer, not a fault, and a stack filled in for each of them would cost CPU for nothing.
 */
class ChunkRefusedException extends RuntimeException {

    private final int status;

    ChunkRefusedException(String peer, int chunk, int status, String reason) {
        super(peer + " answered " + status + " for chunk " + chunk + ": " + reason, null, false, false);
        this.status = status;
    }

    /** The peer does not hold the chunk (any more): its bitfield was out of date. */
    boolean notHeld() {
        return status == 404;
    }
}
