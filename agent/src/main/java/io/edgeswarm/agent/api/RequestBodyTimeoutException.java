package io.edgeswarm.agent.api;

/** A request body that stopped arriving for longer than {@code edgeswarm.limits.read-timeout}. */
class RequestBodyTimeoutException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    RequestBodyTimeoutException(String message) {
        super(message);
    }
}
