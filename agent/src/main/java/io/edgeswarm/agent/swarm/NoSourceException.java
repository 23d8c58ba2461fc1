package io.edgeswarm.agent.swarm;

/** A download that cannot finish: nobody in the swarm holds, or will serve, what is missing. */
public class NoSourceException extends RuntimeException {

    public NoSourceException(String message) {
        super(message);
    }
}
