package io.edgeswarm.agent.storage;

/** Input from outside (a name, a digest, a range, a chunk index) that can never be valid; an HTTP 400. */
public class InvalidInputException extends IllegalArgumentException {

    public InvalidInputException(String message) {
        super(message);
    }
}
