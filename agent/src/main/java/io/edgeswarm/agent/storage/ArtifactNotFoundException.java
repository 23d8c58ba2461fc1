package io.edgeswarm.agent.storage;

/** An artifact or name this agent does not know; an HTTP 404. */
public class ArtifactNotFoundException extends RuntimeException {

    public ArtifactNotFoundException(String message) {
        super(message);
    }
}
