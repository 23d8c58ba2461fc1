package io.edgeswarm.agent.swarm;

/**
 * The peer answered 503: its upload slots are full. Not the peer's fault; ask someone else for a while. It carries no
 * stack trace: it is an answer, not a fault, and a stack filled in for each of them would cost CPU for nothing.
 */
class PeerBusyException extends RuntimeException {

    PeerBusyException(String peer) {
        super(peer + " has no free upload slot", null, false, false);
    }
}
