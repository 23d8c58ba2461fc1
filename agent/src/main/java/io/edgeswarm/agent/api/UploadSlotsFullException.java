package io.edgeswarm.agent.api;

/** Every upload slot is busy; the peer should try another holder and come back later (503, Retry-After). */
class UploadSlotsFullException extends RuntimeException {

    UploadSlotsFullException() {
        super("all upload slots of this agent are busy; try another holder");
    }
}
