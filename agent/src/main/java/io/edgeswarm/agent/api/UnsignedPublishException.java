package io.edgeswarm.agent.api;

/** A publish this agent refuses because it could not sign it while it accepts only signed artifacts. */
class UnsignedPublishException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    UnsignedPublishException(String reason) {
        super(reason);
    }
}
