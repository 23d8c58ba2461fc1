package io.edgeswarm.agent.api;

/**
 * Every upload slot is busy; the peer should try another holder and come back later (503, Retry-After). It carries no
 * stack trace: it is an answer, not a fault, and a stack filled in for each of them would cost CPU for nothing.
 */
class UploadSlotsFullException extends RuntimeException {

    UploadSlotsFullException() {
        super("all upload slots of this agent are busy; try another holder", null, false, false);
    }
}
