package io.edgeswarm.agent.swarm;

/** The peer answered 503: its upload slots are full. Not the peer's fault; ask someone else for a while. */
class PeerBusyException extends RuntimeException {

    PeerBusyException(String peer) {
        super(peer + " has no free upload slot");
    }
}
